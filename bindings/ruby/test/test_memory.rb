# frozen_string_literal: true

require_relative "test_helper"
require "etc"

class TestMemory < Minitest::Test
  include SandboxTest

  ROUNDS = 50
  LIMIT_MB = 10

  def rss_mb
    pages = File.read("/proc/self/statm").split[1].to_i
    pages * Etc.sysconf(Etc::SC_PAGESIZE) / 1024.0 / 1024.0
  end

  # One round: a client, every resource read in full (and every record turned into a Hash),
  # an early stop, and an iterator dropped without close for the finalizers to free.
  def round
    records = 0
    sandbox.client do |client|
      sandbox.resources.each do |resource|
        client.list(resource).each do |record|
          record.to_h
          records += 1
        end
      end
      client.customers.first(10)
      client.iterator(:plans).next_record
    end
    records
  end

  def settle
    3.times { GC.start(full_mark: true, immediate_sweep: true) }
  end

  def test_no_growth_over_repeated_full_iterations
    expected = sandbox.resources.sum { |r| truth(r).size }
    3.times { round }
    settle
    before = rss_mb
    records = 0
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    ROUNDS.times { records += round }
    elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
    settle
    after = rss_mb
    puts format("\n  memory: RSS %.1f MB after warm-up, %.1f MB after %d rounds (%d records, %.1f s): %+.1f MB",
                before, after, ROUNDS, records, elapsed, after - before)
    assert_equal expected * ROUNDS, records
    assert_operator after - before, :<, LIMIT_MB
  end
end
