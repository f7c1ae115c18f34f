# frozen_string_literal: true

module Billtap
  # One account, one resource, synced into a store exactly once per committed batch
  # (docs/fleet.md). The pass starts where the store's checkpoint says: nothing stored, a
  # new full pass; a checkpoint inside a pass, that pass resumed; a sync token, the changes
  # since (docs/incremental.md). Records go to the sink in batches, and the sink writes each
  # batch together with the checkpoint that follows it in ONE transaction: a crash anywhere
  # leaves both or neither, so the next run resumes right after the last committed record,
  # never skipping one and never writing one twice.
  #
  #   sync = Billtap::Sync.new(client, account: "acct01", resource: :customers, sink: sink)
  #   result = sync.run   # => #<struct Billtap::Sync::Result records=..., ...>
  #
  # The sink (Billtap::Sync::Postgres, or any object with these two methods):
  #   load(key)                           -> Checkpoint or nil (nothing synced yet)
  #   commit(key, records, checkpoint)    -> writes records (upserts by key + id; a
  #       Record#tombstone? deletes) and checkpoint in one transaction. When
  #       checkpoint.sweep, it also deletes the key's rows that the pass (checkpoint.pass)
  #       did not write: how a full pass removes records deleted since an earlier one.
  #
  # budget: (optional) an object with acquire(n), which blocks until n requests may be sent
  # on the account (a budget shared by every worker of the account, e.g. a token bucket in
  # Redis). Every request the library sends, retries and token refreshes included, is paid
  # for just before it goes: the run sets the client's log callback (debug level) and takes
  # one token at each "request" event, which the library emits, in the iterating thread,
  # after its own pacing and before sending. Other events go to on_log: when given. The
  # callback is removed when the run ends.
  class Sync
    # Where a (account, provider, resource) stands.
    #   token: the iterator checkpoint (mode "pass") or sync token (mode "sync"); nil for
    #          mode "done" (a full pass ended on a resource without incremental passes)
    #   pass:  the pass's number, 1 for the first; every row written records the pass that
    #          wrote it last, which is what a sweep compares
    #   full:  whether the pass is a full one (its end sweeps)
    Checkpoint = Struct.new(:token, :mode, :pass, :full, :sweep, keyword_init: true) do
      def complete?
        mode != "pass"
      end
    end

    Key = Struct.new(:account, :provider, :resource)

    # What one run did: records and tombstones written, batches committed, requests sent,
    # whether it was a full pass, and the checkpoint it ended on.
    Result = Struct.new(:records, :tombstones, :batches, :requests, :full, :checkpoint, keyword_init: true)

    attr_reader :key

    def initialize(client, account:, resource:, sink:, batch_size: 100, budget: nil, on_log: nil)
      raise ArgumentError, "batch_size must be a positive Integer" unless batch_size.is_a?(Integer) && batch_size.positive?

      @client = client
      @key = Key.new(account.to_s, client.provider, Iterator.resource_name(resource).to_s)
      @sink = sink
      @batch_size = batch_size
      @budget = budget
      @on_log = on_log
    end

    # Runs the pass to its end and returns a Result. Raises what the iterator or the sink
    # raise; what was committed before stays, and the next run goes on from there. A stored
    # token the provider no longer accepts (Billtap::CheckpointError: a sync token past
    # the provider's history) starts a new full pass, whose end sweeps what it did not see.
    def run
      stored = @sink.load(@key)
      pay_each_request
      begin
        pass(stored)
      rescue CheckpointError
        raise if stored.nil? || stored.token.nil?

        pass(nil, after: stored.pass)
      end
    ensure
      @client.on_log if @budget || @on_log
    end

    # How the provider finds this resource's changes (docs/incremental.md): :none (every
    # pass is a full one, and its end sweeps), :feed, :updated or :reread. Only full passes
    # sweep: a :reread pass reads everything but may hand out only what changed (PayPal's
    # customers), so what it did not hand out is not gone.
    def sync_method
      out = FFI::MemoryPointer.new(:int)
      rc = Native.billtap_provider_sync_method(out, @key.provider, Iterator.resource_value(@key.resource))
      rc.zero? ? SYNC_METHODS.fetch(out.read_int, :none) : :none
    end

    SYNC_METHODS = { 0 => :none, 1 => :feed, 2 => :updated, 3 => :reread }.freeze
    private_constant :SYNC_METHODS

    private

    def pass(stored, after: nil)
      number, full, token = position(stored, after)
      result = Result.new(records: 0, tombstones: 0, batches: 0, requests: 0, full: full)
      method = sync_method
      incremental = method != :none
      @client.iterator(@key.resource, checkpoint: token, incremental: incremental && token.nil?) do |it|
        batch = []
        while (record = next_record(it, result))
          batch << record
          next if batch.size < @batch_size

          commit(batch, Checkpoint.new(token: it.checkpoint, mode: "pass", pass: number, full: full), result)
          batch = []
        end
        final = incremental ? Checkpoint.new(token: it.sync_token, mode: "sync", pass: number, full: full)
                            : Checkpoint.new(token: nil, mode: "done", pass: number, full: full)
        final.sweep = full
        commit(batch, final, result)
        result.checkpoint = final
      end
      result
    end

    # The pass to run: [number, full?, iterator checkpoint].
    def position(stored, after)
      return [after.to_i + 1, true, nil] if stored.nil?
      return [stored.pass, stored.full, stored.token] if stored.mode == "pass"
      return [stored.pass + 1, false, stored.token] if stored.mode == "sync"

      [stored.pass + 1, true, nil] # "done": a new full pass
    end

    def next_record(iterator, result)
      before = iterator.stats.requests
      record = iterator.next_record
      result.requests += iterator.stats.requests - before
      return nil unless record

      record.tombstone? ? result.tombstones += 1 : result.records += 1
      record
    end

    def pay_each_request
      return unless @budget || @on_log

      budget = @budget
      on_log = @on_log
      @client.on_log(level: :debug) do |event|
        budget.acquire(1) if budget && event.event == "request"
        on_log&.call(event)
      end
    end

    def commit(batch, checkpoint, result)
      @sink.commit(@key, batch, checkpoint)
      result.batches += 1
    end
  end
end
