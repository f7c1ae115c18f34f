# frozen_string_literal: true

require_relative "test_helper"

class TestLifecycle < Minitest::Test
  include SandboxTest

  def test_version_and_providers
    assert_match(/\A\d+\.\d+\.\d+/, Billtap.version)
    assert_includes Billtap.providers, "stripe"
    assert_predicate Billtap.providers, :frozen?
    assert_match(/\A\d+\.\d+\.\d+\z/, Billtap::VERSION)
  end

  def test_open_with_a_block_closes_and_returns_the_blocks_value
    kept = nil
    value = sandbox.client do |client|
      kept = client
      refute_predicate client, :closed?
      :done
    end
    assert_equal :done, value
    assert_predicate kept, :closed?

    assert_raises(RuntimeError) { sandbox.client { |client| kept = client; raise "boom" } }
    assert_predicate kept, :closed?
  end

  def test_close_is_idempotent_and_later_calls_raise_closed
    client = Billtap::Client.new(:stripe, api_key: Sandbox::API_KEY, base_url: sandbox.url)
    assert_equal "stripe", client.provider
    client.close
    client.close
    assert_predicate client, :closed?
    error = assert_raises(Billtap::ClosedError) { client.customers.first }
    assert_kind_of Billtap::Error, error
    assert_match(/closed/, error.message)
    assert_raises(Billtap::ClosedError) { client.set(:page_size, 5) }
    assert_raises(Billtap::ClosedError) { client.iterator(:plans) }
    assert_match(/closed/, client.inspect)
  end

  def test_closing_the_client_stops_its_iterators
    client = Billtap::Client.new(:stripe, api_key: Sandbox::API_KEY, base_url: sandbox.url)
    address = client.instance_variable_get(:@handle).address
    it = client.iterator(:customers)
    refute_nil it.next_record
    listing = client.customers
    assert_raises(Billtap::ClosedError) { listing.each { client.close } }
    assert_predicate it, :closed?
    assert_raises(Billtap::ClosedError) { it.next_record }
    assert_raises(Billtap::ClosedError) { it.checkpoint }
    # The listing freed its iterator on the way out; `it` still holds one, and the C
    # client waits for it.
    assert_equal 1, live_iterators(address)
    it.cancel
    it.close
    assert_equal 0, live_iterators(address)
    it.close
  end

  # The iterator holds its client: dropping every other reference must not free it.
  def test_an_iterator_keeps_its_client_alive
    it = Billtap::Client.new(:stripe, api_key: Sandbox::API_KEY, base_url: sandbox.url,
                                      page_size: 7).iterator(:customers)
    GC.start(full_mark: true, immediate_sweep: true)
    GC.compact if GC.respond_to?(:compact)
    assert_equal truth(:customers).size, it.count
    refute_predicate it.client, :closed?
    it.close
    it.client.close
  end

  # Handles dropped without close are freed by their finalizers, in whatever order the
  # collector picks (an iterator must go before its client).
  def test_dropped_handles_are_freed_by_the_garbage_collector
    100.times do |i|
      client = Billtap::Client.new(:stripe, api_key: Sandbox::API_KEY, base_url: sandbox.url)
      it = client.iterator(:plans)
      it.next_record if i.even?
      client.close if (i % 3).zero?
    end
    GC.start(full_mark: true, immediate_sweep: true)
    GC.start
    sandbox.client { |client| assert_equal truth(:plans).size, client.plans.count }
  end

  def test_closing_a_client_while_a_dropped_iterator_awaits_collection
    client = Billtap::Client.new(:stripe, api_key: Sandbox::API_KEY, base_url: sandbox.url)
    address = client.instance_variable_get(:@handle).address
    GC.disable
    begin
      # Iterators nobody can reach any more, made on a thread whose stack is gone after the
      # join (so no stale reference keeps them).
      Thread.new { 5.times { Billtap::Iterator.new(client, :plans).next_record } }.join
      assert_equal 5, Billtap::Handles.live_iterators(address)
      client.close
      assert_predicate client, :closed?
      # The C client waits for its iterators...
      assert_equal 5, Billtap::Handles.live_iterators(address)
    ensure
      GC.enable
    end
    # ...and goes with the last of them.
    3.times { GC.start(full_mark: true, immediate_sweep: true) }
    assert_equal 0, Billtap::Handles.live_iterators(address)
    refute Billtap::Handles.instance_variable_get(:@clients).key?(address), "C client freed"
  end

  def test_works_under_gc_stress
    sandbox.client(page_size: 2) do |client|
      GC.stress = true
      begin
        plans = client.plans.first(3)
        token = client.plans.tap { |l| l.first(1) }.then(&:checkpoint)
      ensure
        GC.stress = false
      end
      assert_equal 3, plans.size
      assert_equal truth(:plans).size - 1, client.plans(checkpoint: token).count
    end
  end

  def test_settings_are_converted_with_to_s
    # One walk (parallel_slices, an Integer too): its requests can be counted by pages.
    sandbox.client(page_size: 5, max_retries: 1, user_agent: :ruby_tests, parallel_slices: 1) do |client|
      listing = client.plans
      listing.first(12)
      assert_equal 3, listing.stats.requests
      client[:page_size] = nil # back to the default, 100
      listing.first(12)
      assert_equal 1, listing.stats.requests
    end
  end
end
