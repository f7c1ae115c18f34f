# frozen_string_literal: true

module Fleet
  # One account's request budget, shared by every worker thread and process: a token bucket
  # kept in Redis and changed only by one Lua script, which Redis runs atomically, so two
  # workers can never both take the last token. It refills at `rate` tokens a second up to
  # `burst`; acquire(n) takes n tokens, sleeping (in this thread) until the bucket has them.
  # Billtap::Sync calls acquire before every request the library may send (budget:).
  class RedisBudget
    # KEYS[1]: the bucket; ARGV: rate, burst, n. Takes n tokens and answers "0", or takes
    # none and answers the seconds until n will be there. The clock is Redis's own (TIME),
    # one clock for every process and machine.
    SCRIPT = <<~LUA
      local t = redis.call('TIME')
      local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
      local rate, burst, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
      local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens, at = tonumber(b[1]) or burst, tonumber(b[2]) or now
      tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
      local wait = 0
      if tokens >= n then tokens = tokens - n else wait = (n - tokens) / rate end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('EXPIRE', KEYS[1], 3600)
      return tostring(wait)
    LUA

    attr_reader :key, :rate, :burst

    # redis: a ConnectionPool of Redis clients (Sidekiq.redis is one); rate > 0, burst >= 1.
    def initialize(redis, account, rate:, burst:)
      raise ArgumentError, "rate must be > 0 and burst >= 1" unless rate.positive? && burst >= 1

      @redis = redis
      @key = "fleet:budget:#{account}"
      @rate = Float(rate)
      @burst = Float(burst)
    end

    def acquire(count)
      count = [Float(count), @burst].min # more than a burst would never be granted at once
      loop do
        wait = @redis.with { |r| eval_script(r, count) }.to_f
        return if wait.zero?

        sleep(wait)
      end
    end

    private

    def eval_script(redis, count)
      @sha ||= redis.script(:load, SCRIPT)
      redis.evalsha(@sha, keys: [@key], argv: [@rate, @burst, count])
    rescue Redis::CommandError => e
      raise unless e.message.start_with?("NOSCRIPT") # Redis restarted: load it again

      @sha = nil
      retry
    end
  end
end
