# frozen_string_literal: true

require_relative "test_helper"

class TestCheckpoint < Minitest::Test
  include SandboxTest

  # Take N, checkpoint, resume with a new listing: the union is the truth, no duplicates.
  # N falls mid-page (page_size 50) and, for transactions, past the charges into refunds.
  Sandbox::RESOURCES.each do |resource|
    define_method("test_#{resource}_resume_from_a_listing_checkpoint") do
      skip_unless_served(resource)
      sandbox.client(page_size: 50) do |client|
        [7, 123, truth(:transactions).count { |t| t["kind"] == "payment" } + 3].each do |n|
          n = [n, truth(resource).size - 1].min
          listing = client.list(resource)
          head = listing.first(n)
          assert_equal n, head.size
          token = listing.checkpoint
          assert_kind_of String, token
          assert_match(/\A[[:print:]]+\z/, token)
          tail = client.list(resource, checkpoint: token).to_a
          assert_no_duplicate_ids(head + tail)
          assert_equal truth(resource), hashes(head + tail), "#{resource}, resumed after #{n}"
        end
      end
    end
  end

  # A job that saves its checkpoint every 25 records, dies after 60, and a new process
  # (here: a new client) resumes from the last save: records 51.. come again, none is lost.
  def test_explicit_iterator_resumes_from_a_saved_checkpoint
    saved = nil
    done = []
    sandbox.client(page_size: 20) do |client|
      client.iterator(:subscriptions) do |it|
        60.times do
          done << it.next_record
          saved = [it.checkpoint, done.size] if (done.size % 25).zero?
        end
        assert_equal 60, it.stats.records
      end
    end
    token, kept = saved
    assert_equal 50, kept
    rest = sandbox.client { |client| client.iterator(:subscriptions, checkpoint: token) { |it| it.to_a } }
    union = done.first(kept) + rest
    assert_no_duplicate_ids(union)
    assert_equal truth(:subscriptions), hashes(union)
  end

  def test_iterator_api
    sandbox.client do |client|
      it = client.iterator(:plans)
      first = it.checkpoint
      records = []
      while (plan = it.next_record)
        records << plan
      end
      assert_nil it.next_record, "stays over"
      assert_equal truth(:plans).size, records.size
      refute_equal first, it.checkpoint
      stats = it.stats
      assert_equal records.size, stats.records
      assert_operator stats.requests, :>=, 1
      assert_equal 0, stats.retries
      it.close
      assert_predicate it, :closed?
      it.close
      assert_raises(Billtap::ClosedError) { it.next_record }
      assert_raises(Billtap::ClosedError) { it.checkpoint }
    end
  end

  def test_checkpoint_carries_since
    since = Time.utc(2025, 1, 1)
    expected = truth(:customers).select { |h| Time.iso8601(h["created_at"]) >= since }
    assert_operator expected.size, :>, 10
    sandbox.client do |client|
      listing = client.customers(since: since)
      head = listing.first(5)
      # No since given: the token's own is used.
      tail = client.customers(checkpoint: listing.checkpoint).to_a
      assert_equal expected, hashes(head + tail)
      # The same since again is fine.
      assert_equal expected.size - 5, client.customers(since: since, checkpoint: listing.checkpoint).count
    end
  end

  def test_listing_checkpoint_follows_the_running_enumeration
    sandbox.client(page_size: 10) do |client|
      listing = client.customers
      assert_nil listing.checkpoint, "nothing enumerated yet"
      assert_nil listing.stats
      inside = nil
      listing.each_with_index do |_customer, i|
        if i == 14
          inside = listing.checkpoint
          break
        end
      end
      assert_equal inside, listing.checkpoint
      assert_equal 15, listing.stats.records
      # Each enumeration starts from the listing's own start again.
      assert_equal truth(:customers).size, listing.count
      assert_equal truth(:customers).size, listing.stats.records
      resumed = client.customers(checkpoint: inside)
      assert_equal inside, resumed.checkpoint
      assert_equal truth(:customers).size - 15, resumed.count
    end
  end
end
