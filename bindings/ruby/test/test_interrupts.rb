# frozen_string_literal: true

require_relative "test_helper"
require "timeout"

# Interrupts and closes from other threads must never cost a record: the checkpoint stays
# before any record the caller did not get.
class TestInterrupts < Minitest::Test
  include SandboxTest

  def monotonic
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  # A Timeout while next_record waits: the interrupt is held until the record is copied,
  # then raised; the next call hands the record over, and the checkpoint never skips it.
  def test_timeout_in_next_record_loses_nothing
    Sandbox.with(faults: "slow@1-1000:700") do |slow|
      ids = slow.truth("customers").map { |c| c["id"] }
      slow.client(page_size: 5) do |client|
        client.iterator(:customers) do |it|
          assert_raises(Timeout::Error) { Timeout.timeout(0.3) { it.next_record } }
          cp = it.checkpoint
          record = it.next_record
          refute_nil record, "the record fetched while the timeout waited is handed over"
          # Resuming from the checkpoint taken before that record gives it again.
          resumed = client.customers(checkpoint: cp).first(1).map(&:id)
          assert_equal [record.id], resumed
          assert_includes ids, record.id
        end
      end
    end
  end

  # The same through a listing (Enumerable): a Timeout during the pass leaves the
  # listing's checkpoint before every record the block did not finish.
  def test_timeout_in_a_listing_loses_nothing
    Sandbox.with(faults: "slow@1-1000:400") do |slow|
      truth = slow.truth("customers").map { |c| c["id"] }
      slow.client(page_size: 5) do |client|
        listing = client.customers
        seen = []
        assert_raises(Timeout::Error) { Timeout.timeout(1.0) { listing.each { |c| seen << c.id } } }
        rest = client.customers(checkpoint: listing.checkpoint).first(12).map(&:id)
        got = seen + rest
        assert_equal got.uniq, got, "no duplicates"
        # Newest first, so the truth (sorted by id) is not the order: compare as sets of a
        # contiguous stretch from the start of the listing.
        all = client.customers.first(got.size).map(&:id)
        assert_equal all, got, "nothing skipped between the interrupted pass and the resume"
        assert_empty got - truth
      end
    end
  end

  # A block that raises leaves the checkpoint before its record; break keeps it.
  def test_listing_checkpoint_before_a_failed_record
    Sandbox.shared.client(page_size: 10) do |client|
      listing = client.customers
      handled = []
      assert_raises(RuntimeError) do
        listing.each do |c|
          raise "boom" if handled.size == 3

          handled << c.id
        end
      end
      again = client.customers(checkpoint: listing.checkpoint).first(1).map(&:id)
      expected = client.customers.first(4).map(&:id)
      assert_equal expected[3], again.first, "the record whose block raised comes again"
      listing.first(2)
      assert_equal expected[2], client.customers(checkpoint: listing.checkpoint).first(1).first.id
    end
  end

  # Closing the client from another thread cancels a next_record waiting on the network
  # instead of waiting for it, and the listing keeps the position it reached.
  def test_close_from_another_thread_cancels
    # One walk, whose order is compared: the expected order from a sandbox of the same world
    # without the fault; then request 1 is the worker's first page and request 2 its
    # second, prefetched while the first's records are taken, and slow.
    expected = Sandbox.with { |clean| clean.client(parallel_slices: 1) { |c| c.customers.first(8).map(&:id) } }
    Sandbox.with(faults: "slow@2:5000") do |slow|
      client = slow.client(page_size: 3, parallel_slices: 1)
      listing = client.customers
      seen = []
      worker = Thread.new do
        listing.each { |c| seen << c.id }
      rescue Billtap::Error => e
        e
      end
      sleep 0.05 until seen.size >= 1 || !worker.alive?
      sleep 0.3 # the worker now waits in the slow second request
      started = monotonic
      client.close
      closed_in = monotonic - started
      error = worker.value
      assert_operator closed_in, :<, 1.0, "close waited #{closed_in.round(2)} s for the request"
      assert_kind_of Billtap::Error, error
      refute_empty seen
      assert_equal expected.first(seen.size), seen
      refute_nil listing.checkpoint, "the listing keeps the position it reached"
      slow.client do |fresh|
        rest = fresh.customers(checkpoint: listing.checkpoint).first(3).map(&:id)
        assert_equal expected[seen.size, 3], rest
      end
    end
  end
end
