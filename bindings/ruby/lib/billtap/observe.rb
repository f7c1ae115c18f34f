# frozen_string_literal: true

module Billtap
  # One log event of the library (see docs/observability.md), copied out of the C event:
  # every text is already redacted there (no key, token or Authorization value).
  # level is :debug, :info, :warn or :error; event a stable name ("request", "response",
  # "page", "checkpoint", "retry", "wait", "record_skipped", "error"); fields the event does
  # not have are nil (wait_ms: nil too).
  LogEvent = Struct.new(:level, :event, :message, :provider, :resource, :method, :path,
                        :http_status, :attempt, :wait_ms, :request_id, :code, :record_id,
                        :raw_json, keyword_init: true) do
    # @api private
    def self.from_native(pointer)
      e = Native::LogEvent.new(pointer)
      new(level: Native::LOG_LEVELS.key(e[:level]), event: text(e[:event]), message: text(e[:message]),
          provider: text(e[:provider]), resource: text(e[:resource]), method: text(e[:method]),
          path: text(e[:path]), http_status: e[:http_status].zero? ? nil : e[:http_status],
          attempt: e[:attempt].zero? ? nil : e[:attempt], wait_ms: e[:wait_ms].negative? ? nil : e[:wait_ms],
          request_id: text(e[:request_id]), code: e[:code].zero? ? nil : e[:code],
          record_id: text(e[:record_id]),
          raw_json: e[:raw_json].null? ? nil : e[:raw_json].read_bytes(e[:raw_len]).force_encoding(Encoding::UTF_8).freeze).freeze
    end

    # @api private
    def self.text(pointer)
      pointer.null? ? nil : pointer.read_string.force_encoding(Encoding::UTF_8).freeze
    end
  end

  # What an iterator did so far (billtap_iter_metrics): requests (retries included),
  # retries, pages, records, skipped_records, bytes (response bodies), rate_limited (HTTP
  # 429 answers), waits and wait_ms (backoffs and rate-limiter delays).
  Metrics = Struct.new(:requests, :retries, :pages, :records, :skipped_records, :bytes,
                       :rate_limited, :waits, :wait_ms, keyword_init: true)

  # A request budget shared by clients of one account (billtap_limiter): threads of this
  # process with Limiter.new, processes of this machine with Limiter.open(path, ...).
  # Give it to clients with Client#limiter=; they keep it alive.
  class Limiter
    # per_second: requests a second; burst: at most this many at once (default: a fifth
    # of a second's worth, at least 1). Raises ArgumentError for rates that are not > 0.
    def initialize(per_second, burst: nil)
      out = FFI::MemoryPointer.new(:pointer)
      rc = Native.billtap_limiter_new(out, Float(per_second), Float(burst || Limiter.default_burst(per_second)))
      raise ArgumentError, "billtap: limiter rates must be > 0" if rc == Native::EINVAL
      raise Error.from_code(rc) if rc.negative?

      @handle = LimiterPointer.new(out.read_pointer)
    end

    # A limiter whose budget lives in the file at path, shared by every process that opens
    # it with the same rates (created when missing). Raises SettingError with the reason
    # when the file cannot be used (other rates, not a regular file, no access).
    def self.open(path, per_second, burst: nil)
      allocate.tap { |limiter| limiter.send(:open_file, path.to_s, per_second, burst) }
    end

    # @api private
    def self.default_burst(per_second)
      [Float(per_second) / 5, 1.0].max
    end

    # @api private
    attr_reader :handle

    private

    def open_file(path, per_second, burst)
      out = FFI::MemoryPointer.new(:pointer)
      error = FFI::MemoryPointer.new(:char, 512)
      rc = Native.billtap_limiter_open(out, path, Float(per_second),
                                       Float(burst || Limiter.default_burst(per_second)), error, 512)
      message = error.read_string.force_encoding(Encoding::UTF_8)
      raise ArgumentError, "billtap: #{message}" if rc == Native::EINVAL
      raise Error.from_code(rc, "billtap: #{message}") if rc.negative?

      @handle = LimiterPointer.new(out.read_pointer)
    end
  end

  # @api private
  class LimiterPointer < FFI::AutoPointer
    def self.release(pointer)
      Native.billtap_limiter_free(pointer)
    end
  end

  class Client
    # Sends the library's log events at `level` (:debug, :info, :warn, :error) and above to
    # the block, as frozen LogEvents, for iterators created afterwards; without a block,
    # removes it. The block runs in the thread that iterates, inside the library's call,
    # with the GVL: keep it short. An exception it raises is kept and raised from that call
    # (next_record, ...) once the library has returned, never across its C frames.
    #
    #   client.on_log(level: :info) { |e| logger.info("billtap #{e.event}: #{e.message}") }
    def on_log(level: :debug, &block)
      min = Native::LOG_LEVELS.fetch(level) do
        raise ArgumentError, "level: expected one of #{Native::LOG_LEVELS.keys.join(', ')}, got #{level.inspect}"
      end
      callback = block && proc do |event, _payload|
        block.call(LogEvent.from_native(event))
      rescue Exception => e # rubocop:disable Lint/RescueException -- must not unwind C frames
        @log_error ||= e
      end
      native do |client|
        rc = Native.billtap_client_set_log(client, callback, callback ? min : 0, nil)
        raise Error.from_client(client, rc) if rc.negative?
      end
      @log_callback = callback # referenced while the C client may call it (iterators keep theirs)
      self
    end

    # Makes iterators created afterwards draw from limiter (a Limiter), or with nil from
    # the client's own pace (the rate_limit setting, else the provider's documented rate).
    def limiter=(limiter)
      raise ArgumentError, "limiter: expected a Billtap::Limiter or nil" unless limiter.nil? || limiter.is_a?(Limiter)

      native do |client|
        rc = Native.billtap_client_set_limiter(client, limiter&.handle)
        raise Error.from_client(client, rc) if rc.negative?
      end
      @limiter = limiter
    end

    attr_reader :limiter

    # The C callback iterators created now will call (they keep it referenced: the C
    # iterator holds its address for its whole life).
    # @api private
    attr_reader :log_callback

    # Raises what a log block raised during the last call into the library, once.
    # @api private
    def raise_log_error
      error = @log_error
      return unless error

      @log_error = nil
      raise error
    end
  end

  class Iterator
    # What the iteration did so far, as a frozen Metrics.
    def metrics
      native do |client, iter|
        m = Native::IterMetrics.new
        m[:version] = Native::ITER_METRICS_VERSION
        rc = Native.billtap_iter_metrics_get(m, iter)
        raise Error.from_client(client, rc) if rc.negative?

        Metrics.new(**Metrics.members.to_h { |k| [k, m[k]] }).freeze
      end
    end
  end
end
