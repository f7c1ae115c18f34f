# frozen_string_literal: true

module Billtap
  # One pass over one resource, driven by the caller: next_record until nil, saving
  # #checkpoint whenever the work done so far is safe.
  #
  #   client.iterator(:customers, checkpoint: saved) do |it|
  #     while (customer = it.next_record)
  #       handle(customer)
  #       save(it.checkpoint) if it.stats.records % 100 == 0
  #     end
  #   end
  #
  # Holds its client (which stays alive as long as the iterator does). Close it when done;
  # garbage collection frees a forgotten one eventually.
  class Iterator
    include Enumerable

    # Work done so far (billtap_iter_stats): HTTP requests sent, retries, records returned.
    Stats = Struct.new(:requests, :retries, :records, keyword_init: true)

    attr_reader :client, :resource

    # See Client#iterator.
    def initialize(client, resource, since: nil, checkpoint: nil, incremental: false)
      @client = client
      @resource = Iterator.resource_name(resource)
      @reader = Record::Reader.new
      @out = FFI::MemoryPointer.new(:pointer)
      @final_out = FFI::MemoryPointer.new(:pointer)
      @final = nil      # the positions kept when closed (final_checkpoint)
      @delivered = 0    # records next_record returned
      @pending = false  # a next_record call began and did not finish
      @queued = 0       # records the library holds that next_record takes without a wait
      # cancel may come from another thread while next_record holds the client's lock;
      # this small lock only keeps close from freeing the handle under it.
      @cancel_lock = Mutex.new
      resource_value = Iterator.resource_value(@resource)
      options = Iterator.options(since, checkpoint, incremental)
      client.native do |native_client|
        rc = Native.billtap_iter_new(@out, native_client, resource_value, options)
        raise Error.from_client(native_client, rc) if rc.negative?

        pointer = @out.read_pointer
        # The C iterator calls the log callback set when it was made, whatever on_log
        # does later: keep that one from the garbage collector while this lives.
        @log_callback = client.log_callback
        Handles.register_iter(pointer.address, native_client.address)
        @handle = IterPointer.new(pointer)
      end
      client.track(self)
    end

    # The next record (a frozen Record), or nil when there are no more. Raises
    # Billtap::Error subclasses; after one, the checkpoint still marks the last record
    # returned, and calling again retries (DataError repeats: the same data would come).
    #
    # Interrupts (Timeout, Thread#raise, Sidekiq's shutdown) never cost a record: one that
    # stops this call after the library handed the record over (while the request waited,
    # or while the record was copied out) leaves #checkpoint before that record, and the
    # next call returns it. No interrupt is masked for this: the library keeps the record
    # it returned last until the next call, and its count of records returned, compared
    # with this iterator's count of records delivered, says whether one is owed.
    # (What a log block raised during the call is raised as the call ends, after the
    # record was copied: the same holds, so the counting is done out here.)
    def next_record
      record = native do |client, iter|
        if @pending && owed?(iter)
          @reader.read(@out.read_pointer)
        else
          fetch_record(client, iter)
        end
      end
      @delivered += 1 if record
      @pending = false
      record
    end

    # Yields the remaining records; without a block, an Enumerator. Does not close.
    def each
      return enum_for(__method__) unless block_given?

      while (record = next_record)
        yield record
      end
      self
    end

    # A token for the position after the last record returned: persist it and pass it as
    # checkpoint: to resume, in this process or another. A String of printable ASCII.
    def checkpoint
      # A record an interrupt kept from its caller is not counted: it comes again.
      native { |client, iter| checkpoint_of(client, iter, before: @pending && owed?(iter)) }
    end

    def stats
      native do |client, iter|
        counts = FFI::MemoryPointer.new(:uint64, 3)
        rc = Native.billtap_iter_stats(counts, counts + 8, counts + 16, iter)
        raise Error.from_client(client, rc) if rc.negative?

        requests, retries, records = counts.read_array_of_uint64(3)
        Stats.new(requests: requests, retries: retries, records: records).freeze
      end
    end

    # Stops a next_record running in another thread (it raises CanceledError), and every
    # later one. Safe from any thread; the checkpoint stays valid.
    def cancel
      @cancel_lock.synchronize do
        Native.billtap_iter_cancel(@handle) if @handle
      end
      nil
    end

    # Frees the C iterator now. Idempotent; works after Client#close too (and lets a
    # closed client's C handle go, if this was its last iterator). From another thread, a
    # next_record waiting on the network is canceled first rather than waited for.
    def close
      return if @handle.nil?

      cancel
      @client.synchronize do
        @cancel_lock.synchronize do
          keep_final_positions
          @handle&.free
          @handle = nil
        end
      end
      nil
    end

    # @api private: where this iterator stood when it (or its client) was closed: after
    # its last record delivered, or before it with before: true. nil before a close, or
    # when the library could not say (out of memory).
    def final_checkpoint(before:)
      @final&.fetch(before ? :before : :after)
    end

    # @api private: called with the client's lock held, by close and by Client#close, while
    # the C iterator is still there (the C client outlives it).
    def keep_final_positions
      return unless @handle

      before = checkpoint_text(Native.billtap_iter_checkpoint_before(@final_out, @handle))
      after = @pending && owed?(@handle) ? before : checkpoint_text(Native.billtap_iter_checkpoint(@final_out, @handle))
      @final = { before: before, after: after }.freeze if before && after
    end

    # True after close, or after the client's close.
    def closed?
      @handle.nil? || @client.closed?
    end

    def inspect
      "#<#{self.class} #{@client.provider} #{@resource}#{' (closed)' if closed?}>"
    end

    class << self
      # :customers from :customers, "customers"; ArgumentError for anything else.
      # @api private
      def resource_name(resource)
        resource_value(resource)
        resource.to_sym
      end

      # @api private
      def resource_value(resource)
        out = FFI::MemoryPointer.new(:int)
        rc = Native.billtap_resource_from_name(out, resource.to_s)
        raise ArgumentError, "unknown resource #{resource.inspect} (known: #{Client::RESOURCES.join(', ')})" if rc.negative?

        out.read_int
      end

      # @api private
      def options(since, checkpoint, incremental = false)
        options = Native::IterOptions.new
        rc = Native.billtap_iter_options_init(options, Native::ITER_OPTIONS_VERSION)
        raise Error.from_code(rc) if rc.negative?

        options[:since] = since.nil? ? Native::TIME_NONE : unix_time(since)
        options.checkpoint = checkpoint&.to_s
        options[:flags] = incremental ? Native::ITER_INCREMENTAL : 0
        options
      end

      # @api private
      def unix_time(value)
        case value
        when Integer then value
        when Time then value.to_i
        when String then parse_time(value)
        else
          # A Date (without a time) means midnight UTC, as billtap_time_parse reads
          # "2024-05-01"; Date#to_time would use the local zone.
          if defined?(::DateTime) && value.is_a?(::DateTime) then value.to_time.to_i
          elsif defined?(::Date) && value.is_a?(::Date) then Time.utc(value.year, value.month, value.day).to_i
          elsif value.respond_to?(:to_time) then value.to_time.to_i
          else raise ArgumentError, "since: expected a Time, Date, Integer or String, got #{value.class}"
          end
        end
      end

      private

      def parse_time(text)
        out = FFI::MemoryPointer.new(:int64)
        rc = Native.billtap_time_parse(out, text)
        raise ArgumentError, "since: cannot read #{text.inspect} as a time" if rc.negative?

        out.read_int64
      end
    end

    # After next_record returned nil on an incremental iterator (incremental: true, or made
    # from a sync token): the sync token, a String to keep and pass as checkpoint: to a
    # later iterator, which then returns what changed since (records as upserts, deletions
    # as Record#tombstone? records) and ends with a new one. nil before the end or for a
    # pass that is not incremental. See docs/incremental.md.
    def sync_token
      native do |client, iter|
        out = FFI::MemoryPointer.new(:pointer)
        rc = Native.billtap_iter_sync_token(out, iter)
        next nil if rc == Native::ENOTFOUND
        raise Error.from_client(client, rc) if rc.negative?

        out.read_pointer.read_string.force_encoding(Encoding::US_ASCII).freeze
      end
    end

    private

    # The library's next record (copied out), or nil at the end. Records the library
    # already holds (billtap_iter_queued) are taken without releasing the GVL; only the
    # call after them, which may send a request and wait, releases it.
    def fetch_record(client, iter)
      @pending = true
      @queued = Native.billtap_iter_queued(iter) if @queued.zero?
      if @queued.positive?
        @queued -= 1
        rc = Native.billtap_iter_next_queued(@out, iter)
        @queued = 0 if rc != Native::OK # an error: ask the library again next time
      else
        rc = Native.billtap_iter_next(@out, iter)
      end
      return @reader.read(@out.read_pointer) if rc == Native::OK
      raise Error.from_client(client, rc) if rc != Native::ITEROVER

      nil
    end

    # True when the library has returned more records than next_record delivered: a call
    # was cut short after the library's part, and its record is still the library's last.
    def owed?(iter)
      counts = (@counts ||= FFI::MemoryPointer.new(:uint64, 3))
      return false if Native.billtap_iter_stats(counts, counts + 8, counts + 16, iter).negative?

      counts.get_uint64(16) > @delivered
    end

    def checkpoint_text(rc)
      rc.zero? ? @final_out.read_pointer.read_string.force_encoding(Encoding::US_ASCII).freeze : nil
    end

    def checkpoint_of(client, iter, before: false)
      out = (@checkpoint_out ||= FFI::MemoryPointer.new(:pointer))
      rc = before ? Native.billtap_iter_checkpoint_before(out, iter) : Native.billtap_iter_checkpoint(out, iter)
      raise Error.from_client(client, rc) if rc.negative?

      out.read_pointer.read_string.force_encoding(Encoding::US_ASCII).freeze
    end

    def native
      @client.native do |client|
        raise ClosedError.new("billtap: iterator is closed", code: Native::EUSAGE) unless @handle

        yield client, @handle
      end
    end
  end
end
