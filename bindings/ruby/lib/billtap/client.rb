# frozen_string_literal: true

require "monitor"
require "weakref"

module Billtap
  # A connection to one provider account: the provider, its settings and the HTTP state.
  #
  #   Billtap::Client.open(:stripe, api_key: key) do |client|
  #     client.customers.each { |customer| ... }
  #   end
  #
  # Calls on one client (and its iterators) are serialized by a lock, as the C library
  # allows one thread per client at a time; use one client per thread to run in parallel.
  class Client
    # Every resource the loaded library can list (Billtap.resources): each has a listing
    # method of its name, e.g. #invoices (see listing.rb).
    RESOURCES = Billtap.resources.freeze

    # Like new, but with a block: yields the client and closes it when the block ends,
    # returning the block's value.
    def self.open(provider, **settings)
      client = new(provider, **settings)
      return client unless block_given?

      begin
        yield client
      ensure
        client.close
      end
    end

    # provider: :stripe, "stripe", ... (see Billtap.providers).
    # settings: the provider's and the engine's (Billtap.describe(provider).settings),
    # e.g. api_key:, base_url:, page_size:, timeout_ms:; Integer values for int settings,
    # true/false for bool ones, Strings for any (nil restores the default). Every key and
    # value type is checked before the C client is made.
    # Raises UnknownProviderError, SettingError.
    def initialize(provider, **settings)
      @lock = Monitor.new
      @iterators = [] # WeakRefs: close cancels the ones still alive
      @info = Billtap.describe(provider)
      settings = settings.to_h { |key, value| [key, @info.setting_text(key, value)] }
      out = FFI::MemoryPointer.new(:pointer)
      rc = Native.billtap_client_new(out, provider.to_s, nil)
      if rc == Native::EUNKNOWN_PROVIDER
        # There is no client to carry a message: say here what the C error would have.
        raise UnknownProviderError.new(
          "unknown provider '#{provider}' (known: #{Billtap.providers.join(', ')})", code: rc
        )
      end
      raise Error.from_code(rc) if rc.negative?

      pointer = out.read_pointer
      Handles.register_client(pointer.address, @lock)
      @handle = ClientPointer.new(pointer)
      @provider = Native.billtap_client_provider(@handle).dup.force_encoding(Encoding::UTF_8).freeze
      settings.each { |key, text| set_text(key, text) }
    rescue StandardError
      close
      raise
    end

    # The provider's registered name ("stripe").
    attr_reader :provider

    # Changes one setting (values as for new; nil restores the default). Returns self.
    # Raises SettingError for an unknown key or an invalid value.
    def set(key, value)
      set_text(key, @info.setting_text(key, value))
    end
    alias []= set

    # What the provider offers (Billtap.describe), as it was when the client was made.
    attr_reader :info

    # An Enumerable over one resource; each #each runs a new iteration (see Listing).
    # since: only records created at or after it (Time, Integer Unix seconds, Date or an
    # RFC 3339 String). checkpoint: a token from Listing#checkpoint or Iterator#checkpoint
    # to resume after, or a sync token (Listing#sync_token, Iterator#sync_token) to read what
    # changed since. incremental: true makes a pass that ends with a sync token.
    def list(resource, since: nil, checkpoint: nil, incremental: false)
      Listing.new(self, resource, since: since, checkpoint: checkpoint, incremental: incremental)
    end

    # An explicit iterator (next_record / checkpoint / close), for callers that pace the
    # iteration themselves. With a block, yields it and closes it afterwards.
    def iterator(resource, since: nil, checkpoint: nil, incremental: false)
      iterator = Iterator.new(self, resource, since: since, checkpoint: checkpoint,
                                              incremental: incremental)
      return iterator unless block_given?

      begin
        yield iterator
      ensure
        iterator.close
      end
    end

    # Frees the C client, and makes every later call on it and on its iterators raise
    # ClosedError. Idempotent. The C library needs a client to outlive its iterators, so
    # while one is still open (held somewhere, or dropped but not yet collected) the C
    # client is freed right after the last of them is closed or collected.
    def close
      # A next_record blocked on the network in another thread holds the lock: cancel it
      # (billtap_iter_cancel is the one call allowed from any thread) instead of waiting.
      @iterators.each do |ref|
        ref.cancel
      rescue WeakRef::RefError
        nil # collected meanwhile
      end
      @lock.synchronize do
        return unless @handle

        # Each open iterator keeps where it stood, for a Listing asked after this.
        @iterators.each do |ref|
          ref.keep_final_positions
        rescue WeakRef::RefError
          nil
        end
        @handle.free
        @handle = nil
      end
      nil
    end

    def closed?
      @handle.nil?
    end

    def inspect
      "#<#{self.class} #{@provider}#{' (closed)' if closed?}>"
    end

    def set_text(key, text)
      native do |client|
        rc = Native.billtap_client_set(client, key.to_s, text)
        raise Error.from_client(client, rc) if rc.negative?
      end
      self
    end
    private :set_text

    # Runs the block with the C client under the client's lock; raises ClosedError after
    # close. Everything that calls into C on this client or its iterators goes through here.
    # @api private
    def native
      @lock.synchronize do
        raise ClosedError.new("billtap: client is closed", code: Native::EUSAGE) unless @handle

        Handles.drain(@handle.address)
        begin
          result = yield @handle
        ensure
          raise_log_error # what a log block raised in this call wins over its outcome
        end
        result
      end
    end

    # Runs the block under the client's lock, open or closed (Iterator#close needs it
    # after Client#close too).
    # @api private
    def synchronize(&block)
      @lock.synchronize(&block)
    end

    # Remembers an iterator (weakly) so that close can cancel it.
    # @api private
    def track(iterator)
      @lock.synchronize do
        @iterators.select!(&:weakref_alive?) if @iterators.size >= 64
        @iterators << WeakRef.new(iterator)
      end
    end
  end
end
