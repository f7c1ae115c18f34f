# frozen_string_literal: true

require "tmpdir"
require_relative "test_helper"

# Log events, metrics and shared rate limiters against billtap-sandbox: counts are checked
# against the faults the sandbox was told to inject, never against time.
class TestObserve < Minitest::Test
  include SandboxTest

  def test_events_and_metrics_of_a_run_with_retries
    Sandbox.with(faults: "503@1,429@2,429@4", scale: 60) do |sb|
      events = []
      sb.client(retry_base_ms: 1, page_size: 20) do |client|
        client.on_log(level: :debug) { |event| events << event }
        it = client.iterator(:customers)
        records = it.to_a
        assert_equal sb.truth(:customers).map { |h| h["id"] }.sort, records.map(&:id).sort
        m = it.metrics
        assert m.frozen?
        assert_equal 2, m.rate_limited
        assert_equal 3, m.retries
        assert_equal records.size, m.records
        assert_equal m.requests - 3, m.pages
        assert_operator m.waits, :>=, 3
        assert_operator m.bytes, :>, 0
        assert_equal 0, m.skipped_records
        it.close
      end
      retries = events.select { |e| e.event == "retry" }
      assert_equal [503, 429, 429], retries.map(&:http_status)
      assert retries.all? { |e| e.level == :warn && e.path == "/v1/customers" && e.method == "GET" }
      assert_equal [2, 3, 2], retries.map(&:attempt) # the first page twice, then the second
      assert(events.all?(&:frozen?))
      assert_equal events.count { |e| e.event == "request" }, events.count { |e| e.event == "response" }
      pages = events.select { |e| e.event == "page" }
      assert_equal :info, pages.first.level
      assert_equal "customers", pages.first.resource
    end
  end

  def test_an_echoed_key_never_reaches_an_event
    Sandbox.with(faults: "echo@1") do |sb|
      events = []
      key = sb.settings[:api_key] || sb.settings["api_key"]
      refute_nil key
      sb.client do |client|
        client.on_log(level: :debug) { |event| events << event }
        assert_raises(Billtap::AuthenticationError) { client.customers.first }
      end
      error = events.find { |e| e.event == "error" }
      refute_nil error
      assert_equal :error, error.level
      assert_equal 401, error.http_status
      assert_includes error.message, "[redacted]"
      events.each do |e|
        e.to_h.each_value { |v| refute_includes v.to_s, key }
      end
    end
  end

  def test_an_exception_in_the_block_surfaces_without_losing_a_record
    client = sandbox.client(page_size: 50)
    client.on_log(level: :info) { |event| raise "boom: #{event.event}" if event.event == "page" }
    it = client.iterator(:customers)
    error = assert_raises(RuntimeError) { it.next_record }
    assert_equal "boom: page", error.message
    client.on_log # removed: this iterator keeps its callback, so let the next pages pass
    seen = []
    loop do
      record = it.next_record
      break unless record

      seen << record.id
    rescue RuntimeError
      next # a later page's event: the record is kept for the next call
    end
    assert_equal truth(:customers).map { |h| h["id"] }.sort, seen.sort
    it.close
    client.close
    assert_raises(ArgumentError) { Billtap::Client.new(:stripe).on_log(level: :loud) { nil } }
  end

  def test_threads_share_one_limiter
    Sandbox.with(rate_limit: 25, scale: 100) do |sb|
      limiter = Billtap::Limiter.new(25, burst: 5)
      results = Array.new(4) do
        Thread.new do
          sb.client(page_size: 10, retry_base_ms: 50) do |client|
            client.limiter = limiter
            waits = 0
            client.on_log(level: :debug) { |event| waits += 1 if event.event == "wait" }
            it = client.iterator(:customers)
            ids = it.map(&:id)
            m = it.metrics
            it.close
            [ids, m, waits]
          end
        end
      end.map(&:value)
      want = sb.truth(:customers).map { |h| h["id"] }.sort
      results.each { |ids, _, _| assert_equal want, ids.sort }
      assert_operator results.sum { |_, m, _| m.rate_limited }, :<=, 2
      assert_operator results.sum { |_, m, _| m.waits }, :>, 0
      assert_equal results.sum { |_, m, _| m.waits }, results.sum { |_, _, waits| waits }
    end
  end

  def test_limiters_check_their_rates
    assert_raises(ArgumentError) { Billtap::Limiter.new(0) }
    Dir.mktmpdir do |dir|
      path = File.join(dir, "budget")
      Billtap::Limiter.open(path, 25, burst: 5)
      assert File.exist?(path)
      error = assert_raises(Billtap::SettingError) { Billtap::Limiter.open(path, 100) }
      assert_includes error.message, "holds a budget of 25 requests a second"
      sandbox.client do |client|
        client.limiter = Billtap::Limiter.open(path, 25, burst: 5)
        assert_equal truth(:customers).size, client.customers.count
        client.limiter = nil
        assert_raises(ArgumentError) { client.limiter = 3 }
      end
    end
  end
end
