# frozen_string_literal: true

module Billtap
  # The records of one resource, as an Enumerable (from Client#customers and friends).
  #
  # Each #each is a fresh iteration from the listing's starting point, through an Iterator
  # that is closed when the enumeration ends, however it ends: `first(10)`, `lazy.take(5)`
  # or a `break` stop fetching right there. Without a block, #each returns an Enumerator.
  #
  # #checkpoint and #stats describe the latest enumeration (the running one, from inside
  # its block), so a stopped enumeration can be resumed:
  #
  #   listing = client.customers
  #   batch = listing.first(100)
  #   rest = client.customers(checkpoint: listing.checkpoint).to_a
  #
  # With incremental: true (or a sync token as checkpoint:), an enumeration that runs to
  # its end leaves #sync_token, the starting point of the next one's changes
  # (docs/incremental.md):
  #
  #   listing = client.customers(incremental: true)
  #   listing.each { |c| upsert(c) }
  #   token = listing.sync_token                                   # keep it
  #   client.customers(checkpoint: token).each { |c| c.tombstone? ? delete(c) : upsert(c) }
  class Listing
    include Enumerable

    attr_reader :client, :resource, :since

    def initialize(client, resource, since: nil, checkpoint: nil, incremental: false)
      @client = client
      @resource = Iterator.resource_name(resource)
      @since = since
      @incremental = incremental
      @sync_token = nil
      @start = checkpoint&.to_s&.dup&.freeze
      @checkpoint = @start
      @stats = nil
      @current = nil
    end

    def each
      return enum_for(__method__) unless block_given?

      iterator = @client.iterator(@resource, since: @since, checkpoint: @start,
                                             incremental: @incremental)
      @current = iterator
      @checkpoint = @start
      @sync_token = nil
      failed = false
      while (record = iterator.next_record)
        begin
          yield record
        rescue Exception # rubocop:disable Lint/RescueException -- re-raised; only noted
          failed = true
          raise
        end
      end
      @sync_token = iterator.sync_token
      self
    ensure
      finish(iterator, failed) if iterator
    end

    # While an enumeration runs (from inside its block): the position after the record
    # being handled, for a job that saves its place once it has done the work.
    # After it ended: the position after the last record whose block finished (returned,
    # or left with break/next, as first(n) does), also when it stopped early, raised, or
    # the client was closed under it; a record whose block raised comes again when resuming
    # (at-least-once for the record being handled). Before any: the one the listing started
    # from (nil: the beginning).
    def checkpoint
      current = @current
      return @checkpoint unless current
      # The client was closed under a running enumeration: where it stood then.
      return current.final_checkpoint(before: false) || @checkpoint if current.closed?

      current.checkpoint
    rescue ClosedError
      current.final_checkpoint(before: false) || @checkpoint
    end

    # The sync token of the latest enumeration, once it ran to its end in an incremental
    # pass (see the class comment); nil otherwise.
    attr_reader :sync_token

    # Iterator::Stats of the latest enumeration, or nil before any.
    def stats
      current = @current
      return current.stats if current && !current.closed?

      @stats
    rescue ClosedError
      @stats
    end

    def inspect
      "#<#{self.class} #{@client.provider} #{@resource}>"
    end

    private

    # Keeps what the enumeration reached, then frees the C iterator. Never raises over an
    # exception already on its way out: the client may have been closed meanwhile.
    #
    # The position is taken here, once, not after every record (asking the library for a
    # checkpoint per record cost a quarter of the enumeration's time): after the last
    # record whose block finished, which is the iterator's last record unless its block
    # raised (including Timeout and Thread#raise, as Sidekiq's shutdown does). That record
    # is not done, so the position is before it and a resume hands it over again. A block
    # that leaves with break/next/return (first(10), take, find) finished its record.
    def finish(iterator, failed)
      unless iterator.closed?
        begin
          @stats = iterator.stats
        rescue Error
          nil
        end
      end
      iterator.close
      @checkpoint = iterator.final_checkpoint(before: failed) || @checkpoint
      @current = nil if @current.equal?(iterator)
    end
  end

  class Client
    # customers, plans, subscriptions, transactions, invoices, ... : one method per resource
    # of the loaded library, each list(resource, ...). Defined once Client is complete, so a
    # resource named like one of its methods is reached through #list only.
    RESOURCES.each do |resource|
      next if method_defined?(resource) || private_method_defined?(resource)

      define_method(resource) do |since: nil, checkpoint: nil, incremental: false|
        list(resource, since: since, checkpoint: checkpoint, incremental: incremental)
      end
    end
  end
end
