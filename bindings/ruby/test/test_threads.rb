# frozen_string_literal: true

require_relative "test_helper"

class TestThreads < Minitest::Test
  include SandboxTest

  def monotonic
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  # billtap_iter_next is attached with blocking: true: while it waits on the network, the
  # GVL is released and other Ruby threads run.
  def test_other_threads_run_while_a_request_waits
    Sandbox.with(faults: "slow@1:1500") do |slow|
      slow.client do |client|
        ticks = 0
        running = true
        counter = Thread.new do
          while running
            ticks += 1
            sleep 0.01
          end
        end
        started = monotonic
        ticks_before = ticks
        record = client.customers.first
        elapsed = monotonic - started
        ticks_during = ticks - ticks_before
        running = false
        counter.join
        puts format("\n  slow request: %.2f s, counter thread advanced %d ticks meanwhile", elapsed, ticks_during)
        refute_nil record
        assert_operator elapsed, :>=, 1.4
        # A thread shut out by the GVL would get about 0; at 10 ms a tick, 1.5 s gives ~150.
        assert_operator ticks_during, :>=, 50
      end
    end
  end

  def test_cancel_from_another_thread
    Sandbox.with(faults: "slow@1:3000") do |slow|
      slow.client do |client|
        client.iterator(:customers) do |it|
          canceler = Thread.new do
            sleep 0.3
            it.cancel
          end
          started = monotonic
          error = assert_raises(Billtap::CanceledError) { it.next_record }
          canceler.join
          assert_operator monotonic - started, :<, 2.0
          assert_equal :ECANCELED, error.code_name
          assert_raises(Billtap::CanceledError) { it.next_record }
          refute_nil it.checkpoint, "the checkpoint stays valid"
        end
      end
    end
  end

  # One client used by several threads at once: calls are serialized, results stay right.
  def test_one_client_shared_by_threads
    sandbox.client(page_size: 25) do |client|
      resources = sandbox.resources
      results = resources.map do |resource|
        Thread.new { client.list(resource).to_a }
      end.map(&:value)
      resources.each_with_index do |resource, i|
        assert_equal truth(resource), hashes(results[i])
      end
    end
  end

  def test_records_can_be_shared_between_threads_after_the_iterator_is_gone
    records = sandbox.client { |client| client.subscriptions.first(20) }
    GC.start
    hashes = Array.new(2) { Thread.new { records.map(&:to_h) } }.map(&:value)
    assert_equal hashes[0], hashes[1]
    assert_equal 20, hashes[0].size
  end

  # Records already received come without a blocking call (billtap_iter_queued): only the
  # calls that may send a request release the GVL, so a busy thread beside the reader
  # costs it one wait per page, not one per record. Counted, not timed: the blocking
  # attachment is wrapped for the length of one listing.
  def test_queued_records_are_taken_without_releasing_the_gvl
    native = Billtap::Native.singleton_class
    blocking = 0
    native.alias_method(:counted_iter_next, :billtap_iter_next)
    native.remove_method(:billtap_iter_next)
    native.define_method(:billtap_iter_next) do |*args|
      blocking += 1
      counted_iter_next(*args)
    end
    sandbox.client(page_size: 10, parallel_slices: 1) do |client|
      listing = client.customers
      ids = listing.map(&:id)
      assert_equal truth(:customers).map { |c| c["id"] }.sort, ids.sort
      pages = listing.stats.requests
      assert_operator ids.size, :>, 3 * pages, "pages of several records"
      # One blocking call per page, and one more for the end of the listing.
      assert_operator blocking, :<=, pages + 1, "#{blocking} blocking calls for #{pages} pages of #{ids.size} records"
      assert_operator blocking, :>=, pages / 2, "requests still go through the blocking call"
    end
  ensure
    native.remove_method(:billtap_iter_next)
    native.alias_method(:billtap_iter_next, :counted_iter_next)
    native.remove_method(:counted_iter_next)
  end
end
