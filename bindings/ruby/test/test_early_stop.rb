# frozen_string_literal: true

require_relative "test_helper"

class TestEarlyStop < Minitest::Test
  include SandboxTest

  # One walk (parallel_slices: 1; slices ask for several windows' pages at once): the page
  # that holds the ten, and the next one, prefetched while they are taken.
  def test_first_ten_asks_for_one_page_and_prefetches_one
    sandbox.client(parallel_slices: 1) do |client|
      listing = client.customers
      records = listing.first(10)
      assert_equal 10, records.size
      assert_equal 2, listing.stats.requests
      assert_equal 10, listing.stats.records
      assert_equal 0, live_iterators(client), "the iterator is freed when first returns"
    end
  end

  def test_each_without_a_block_is_a_lazy_enumerator
    sandbox.client(page_size: 10) do |client|
      listing = client.transactions
      enum = listing.each
      assert_instance_of Enumerator, enum
      assert_equal 0, live_iterators(client), "no iterator before enumeration"
      refunds = enum.lazy.select { |t| t.kind == "refund" }.map(&:id).first(2)
      assert_equal 2, refunds.size
      charges = truth(:transactions).count { |t| t["kind"] == "payment" }
      # Charges come first, then refunds: it stopped at the second refund.
      assert_equal charges + 2, listing.stats.records
      whole = client.transactions
      whole.each { nil }
      assert_operator listing.stats.requests, :<, whole.stats.requests, "fewer requests than the whole walk"
      assert_equal 0, live_iterators(client)
    end
  end

  def test_break_and_exceptions_free_the_iterator
    sandbox.client(page_size: 5, parallel_slices: 1) do |client|
      listing = client.plans
      listing.each { break }
      assert_equal 2, listing.stats.requests # the first page, and the second prefetched
      assert_equal 0, live_iterators(client)

      assert_raises(RuntimeError) { listing.each { raise "boom" } }
      assert_equal 1, listing.stats.records
      assert_equal 0, live_iterators(client)

      assert_equal 3, listing.take(3).size
      assert_equal 2, listing.stats.requests
    end
  end

  def test_enumerable_methods
    sandbox.client do |client|
      plans = client.plans
      assert_equal truth(:plans).size, plans.count
      assert_equal truth(:plans).map { |h| h["id"] }.sort, plans.map(&:id).sort
      active = plans.select(&:active?)
      assert_equal truth(:plans).count { |h| h["active"] }, active.size
      assert_equal 7, plans.each_slice(7).first.size
    end
  end
end
