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
  class Listing
    include Enumerable

    attr_reader :client, :resource, :since

    def initialize(client, resource, since: nil, checkpoint: nil)
      @client = client
      @resource = Iterator.resource_name(resource)
      @since = since
      @start = checkpoint&.to_s&.dup&.freeze
      @checkpoint = @start
      @stats = nil
      @current = nil
    end

    def each
      return enum_for(__method__) unless block_given?

      iterator = @client.iterator(@resource, since: @since, checkpoint: @start)
      @current = iterator
      while (record = iterator.next_record)
        yield record
      end
      self
    ensure
      finish(iterator) if iterator
    end

    # The checkpoint after the last record the latest enumeration returned (also when it
    # stopped early or raised); before any, the one the listing started from (nil: the
    # beginning).
    def checkpoint
      current = @current
      return current.checkpoint if current && !current.closed?

      @checkpoint
    rescue ClosedError
      @checkpoint
    end

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
    def finish(iterator)
      unless iterator.closed?
        begin
          @checkpoint = iterator.checkpoint
          @stats = iterator.stats
        rescue Error
          nil
        end
      end
      iterator.close
      @current = nil if @current.equal?(iterator)
    end
  end
end
