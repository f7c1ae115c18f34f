# frozen_string_literal: true

require "net/http"
require_relative "test_helper"

# Billtap::Sync with an in-memory sink that keeps, per key, the committed rows and the
# checkpoint, and an append-only log of every record ever committed: a crash between
# batches (a commit that raises) must leave the next run resuming exactly after the last
# committed record, so the log holds each record once. Truth is the sandbox's files.
class TestSync < Minitest::Test
  include SandboxTest

  class Crash < StandardError; end

  # The fake store: what a database would hold, one "transaction" per commit.
  class MemorySink
    attr_reader :rows, :log, :commits, :checkpoints

    def initialize(crash_at: nil)
      @rows = Hash.new { |h, k| h[k] = {} } # [account, provider, resource] => id => [hash, pass]
      @checkpoints = {}
      @log = []
      @commits = 0
      @crash_at = crash_at
    end

    def load(key)
      @checkpoints[key.to_a]&.dup
    end

    def commit(key, records, checkpoint)
      @commits += 1
      raise Crash, "crash before commit #{@commits}" if @crash_at == @commits

      table = @rows[key.to_a]
      records.each do |record|
        @log << [record.id, record.tombstone?]
        record.tombstone? ? table.delete(record.id) : table[record.id] = [record.to_h, checkpoint.pass]
      end
      table.delete_if { |_, (_, pass)| pass != checkpoint.pass } if checkpoint.sweep
      @checkpoints[key.to_a] = checkpoint.dup
    end

    def table(key)
      @rows[key.to_a].values.map(&:first).sort_by { |h| h["id"].b }
    end
  end

  # Counts what a shared budget hands out.
  class CountingBudget
    attr_reader :granted

    def initialize
      @granted = 0
    end

    def acquire(count)
      @granted += count
    end
  end

  def truth_of(sb, resource)
    File.foreach(File.join(sb.truth_dir, "#{resource}.jsonl")).map { |line| JSON.parse(line) }.sort_by { |h| h["id"].b }
  end

  def test_a_full_pass_commits_batches_and_ends_on_a_sync_token
    sink = MemorySink.new
    budget = CountingBudget.new
    sandbox.client(page_size: 20) do |client|
      sync = Billtap::Sync.new(client, account: "a1", resource: :invoices, sink: sink, batch_size: 25, budget: budget)
      result = sync.run
      want = sandbox.truth(:invoices)
      assert_equal want.sort_by { |h| h["id"].b }, sink.table(sync.key)
      assert_equal want.size, result.records
      assert_equal (want.size / 25) + 1, result.batches
      assert_equal "sync", sink.checkpoints[sync.key.to_a].mode
      assert result.checkpoint.sweep, "a full pass sweeps"
      assert_operator result.requests, :>=, want.size / 20
      assert_equal result.requests, budget.granted, "every request sent was paid for, once"
    end
  end

  def test_a_crash_between_batches_resumes_exactly_once
    sandbox.client(page_size: 15) do |client|
      sink = MemorySink.new(crash_at: 4) # commits 1-3 land, the 4th "transaction" dies
      sync = Billtap::Sync.new(client, account: "a1", resource: :customers, sink: sink, batch_size: 10)
      assert_raises(Crash) { sync.run }
      assert_equal 30, sink.log.size, "three batches committed"
      saved = sink.checkpoints[sync.key.to_a]
      assert_equal "pass", saved.mode
      result = Billtap::Sync.new(client, account: "a1", resource: :customers, sink: sink, batch_size: 10).run
      want = sandbox.truth(:customers)
      assert_equal want.size - 30, result.records, "the second run starts after the last committed record"
      ids = sink.log.map(&:first)
      assert_equal ids.uniq.size, ids.size, "no record committed twice"
      assert_equal want.map { |h| h["id"] }.sort, ids.sort, "no record missing"
      assert_equal want.sort_by { |h| h["id"].b }, sink.table(sync.key)
      assert_equal saved.pass, sink.checkpoints[sync.key.to_a].pass, "the resumed pass is the same pass"
    end
  end

  def test_changes_after_a_full_pass_give_the_new_truth_with_tombstones
    Sandbox.with do |sb|
      sink = MemorySink.new
      sb.client do |client|
        resources = %i[customers invoices]
        resources.each { |r| Billtap::Sync.new(client, account: "a2", resource: r, sink: sink, batch_size: 50).run }
        Net::HTTP.post(URI("#{sb.url}/_sandbox/advance?days=5"), "", "Content-Type" => "application/json")
        tombstones = 0
        resources.each do |r|
          sync = Billtap::Sync.new(client, account: "a2", resource: r, sink: sink, batch_size: 50)
          result = sync.run
          refute result.full, "#{r}: the second pass reads changes"
          tombstones += result.tombstones
          assert_equal truth_of(sb, r), sink.table(sync.key), r
          assert_equal 2, sink.checkpoints[sync.key.to_a].pass
        end
        assert_operator tombstones, :>, 0, "five days delete some customer or draft invoice"
      end
    end
  end

  def test_a_full_pass_sweeps_what_it_did_not_see
    sink = MemorySink.new
    sandbox.client do |client|
      sync = Billtap::Sync.new(client, account: "a3", resource: :plans, sink: sink)
      key = sync.key.to_a
      sink.rows[key]["gone"] = [{ "id" => "gone" }, 0] # a row from an earlier pass
      sync.run
      refute sink.rows[key].key?("gone")
      assert_equal sandbox.truth(:plans).sort_by { |h| h["id"].b }, sink.table(sync.key)
      # An expired sync token: the next run starts a full pass (number 2) and sweeps.
      sink.checkpoints[key] = Billtap::Sync::Checkpoint.new(token: "not a token", mode: "sync", pass: 1, full: true)
      sink.rows[key]["gone"] = [{ "id" => "gone" }, 1]
      result = Billtap::Sync.new(client, account: "a3", resource: :plans, sink: sink).run
      assert result.full
      assert_equal 2, sink.checkpoints[key].pass
      refute sink.rows[key].key?("gone")
    end
  end

  def test_bad_arguments
    sandbox.client do |client|
      assert_raises(ArgumentError) { Billtap::Sync.new(client, account: "a", resource: :customers, sink: nil, batch_size: 0) }
      assert_raises(ArgumentError) { Billtap::Sync.new(client, account: "a", resource: :nope, sink: nil) }
    end
  end
end
