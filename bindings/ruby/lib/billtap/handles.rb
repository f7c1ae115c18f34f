# frozen_string_literal: true

require "monitor"

module Billtap
  # Who frees the C handles, and in which order.
  #
  # The C library keeps a freed client alive until its last iterator is freed, so any free
  # order is safe in C; but billtap_iter_free touches its client, and a client with its
  # iterators may be used by one thread at a time. Ruby runs finalizers in no particular
  # order, on any thread, and at exit runs all of them, reachable or not, so the releases go
  # through this ledger: freeing an iterator decrements its client's count of live
  # iterators, and releasing a client frees it only when that count is zero, leaving the
  # free to the last iterator otherwise. Keys are addresses of handles still allocated, so
  # they cannot be reused while listed.
  #
  # Every change to a client's entry happens under the client's monitor (the same one that
  # serializes calls into the client), because billtap_iter_free touches the client and the
  # C API allows one thread per client at a time. A finalizer must not wait for that monitor
  # (its holder may sit in a long network call), so it only tries it, and otherwise queues
  # the iterator for the next caller (or the client's release) to free. A finalizer that
  # runs on the holding thread gets in (the monitor is reentrant), between two C calls:
  # freeing another iterator there leaves the current record and error untouched. The two Hashes are shared by all clients;
  # each single Hash operation is atomic under the GVL, which is all they need.
  # @api private
  module Handles
    Entry = Struct.new(:lock, :live, :pending, :released)

    @clients = {} # client address => Entry
    @iters = {}   # iterator address => client address

    class << self
      def register_client(address, lock)
        @clients[address] = Entry.new(lock, 0, [], false)
      end

      # Call with the client's monitor held.
      def register_iter(address, client_address)
        @iters[address] = client_address
        @clients.fetch(client_address).live += 1
      end

      def release_iter(address)
        entry = @clients[@iters[address]]
        return unless entry # already gone at exit: nothing safe left to do

        if entry.lock.try_enter
          begin
            client_address = @iters[address]
            free_iter(address)
            # Iterators queued while the monitor was busy: after the client's close no
            # call into it drains them any more, so every free does.
            drain(client_address)
          ensure
            entry.lock.exit
          end
        else
          entry.pending << address
        end
      end

      def release_client(address)
        entry = @clients[address]
        return unless entry

        if entry.lock.try_enter
          begin
            entry.released = true
            drain(address)
            free_client(address) if entry.live.zero?
          ensure
            entry.lock.exit
          end
        else
          # Not expected: close holds the monitor already, and a collected client has no
          # caller inside it. Should it happen, leaking beats freeing under a running call;
          # a remaining iterator still frees the client on its way out.
          entry.released = true
        end
      end

      # Frees iterators whose finalizer ran while the monitor was busy. Call with the
      # client's monitor held, as Client does before each call into C.
      def drain(client_address)
        entry = @clients[client_address]
        free_iter(entry.pending.shift) until entry.nil? || entry.pending.empty?
      end

      # How many C iterators of a client are still allocated (for tests and debugging).
      def live_iterators(client_address)
        @clients[client_address]&.live || 0
      end

      private

      def free_iter(address)
        client_address = @iters.delete(address)
        return unless client_address

        Native.billtap_iter_free(FFI::Pointer.new(address))
        entry = @clients.fetch(client_address)
        entry.live -= 1
        free_client(client_address) if entry.released && entry.live.zero?
      end

      # Idempotent: the last iterator and the client's own release may both get here.
      def free_client(address)
        return unless @clients.delete(address)

        Native.billtap_client_free(FFI::Pointer.new(address))
      end
    end
  end

  # @api private
  class ClientPointer < FFI::AutoPointer
    def self.release(pointer)
      Handles.release_client(pointer.address)
    end
  end

  # @api private
  class IterPointer < FFI::AutoPointer
    def self.release(pointer)
      Handles.release_iter(pointer.address)
    end
  end
end
