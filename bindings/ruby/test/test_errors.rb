# frozen_string_literal: true

require_relative "test_helper"

class TestErrors < Minitest::Test
  include SandboxTest

  def test_bad_key_is_an_authentication_error_with_details
    key = "sk_test_wrong_key_1234"
    error = Billtap::Client.open(:stripe, api_key: key, base_url: sandbox.url) do |client|
      assert_raises(Billtap::AuthenticationError) { client.customers.first }
    end
    assert_kind_of Billtap::Error, error
    assert_equal(-10, error.code)
    assert_equal :EAUTH, error.code_name
    assert_equal 401, error.http_status
    refute_nil error.request_id
    refute_empty error.request_id
    assert_includes error.message, error.request_id
    assert_includes error.message, "401"
    assert_includes error.message, "customers"
    refute_includes error.message, key, "the secret must not appear in messages"
  end

  def test_unknown_provider
    error = assert_raises(Billtap::UnknownProviderError) { Billtap::Client.new(:nope) }
    assert_equal :EUNKNOWN_PROVIDER, error.code_name
    assert_includes error.message, "nope"
    assert_includes error.message, "stripe"
  end

  def test_unknown_setting
    error = assert_raises(Billtap::SettingError) { Billtap::Client.new(:stripe, colour: "blue") }
    assert_equal :EUNKNOWN_SETTING, error.code_name
    assert_includes error.message, "colour"
  end

  def test_invalid_and_missing_settings
    Billtap::Client.open(:stripe) do |client|
      error = assert_raises(Billtap::SettingError) { client.set(:page_size, 1000) }
      assert_equal :ESETTING, error.code_name
      error = assert_raises(Billtap::SettingError) { client.set(:base_url, "ftp://x") }
      assert_equal :ESETTING, error.code_name
      # api_key is required: the iterator refuses to start without it.
      error = assert_raises(Billtap::SettingError) { client.customers.first }
      assert_includes error.message, "api_key"
      # Any key the library knows works, values through to_s; nil restores the default.
      client.set(:max_retries, 2).set("timeout_ms", 5000)
      client[:page_size] = nil
    end
  end

  def test_bad_checkpoints
    sandbox.client do |client|
      error = assert_raises(Billtap::CheckpointError) { client.customers(checkpoint: "garbage").first }
      assert_equal :ECHECKPOINT, error.code_name

      listing = client.customers
      listing.first(3)
      error = assert_raises(Billtap::CheckpointError) { client.plans(checkpoint: listing.checkpoint).first }
      assert_includes error.message, "customers"

      filtered = client.customers(since: Time.utc(2024, 1, 1))
      filtered.first(3)
      assert_raises(Billtap::CheckpointError) do
        client.customers(since: Time.utc(2023, 1, 1), checkpoint: filtered.checkpoint).first
      end
    end
  end

  # Request N of the sandbox gets fault N; every request counts, so one client meets them in
  # order. max_retries 0 makes each the final answer.
  def test_http_failures_map_to_classes
    # The drop comes first: on a reused connection libcurl would quietly resend.
    Sandbox.with(faults: "drop@1,403@2,500@3,429@4,400@5") do |faulty|
      faulty.client(max_retries: 0) do |client|
        expected = [[Billtap::NetworkError, nil], [Billtap::PermissionError, 403],
                    [Billtap::ServerError, 500], [Billtap::RateLimitError, 429],
                    [Billtap::RequestError, 400]]
        expected.each do |klass, status|
          error = assert_raises(klass) { client.plans.first }
          # Each status family has its class; both stay ProviderErrors, as before the split.
          assert_equal klass, error.class
          assert_kind_of Billtap::ProviderError, error if status && status >= 400 && ![403, 429].include?(status)
          if status
            assert_equal status, error.http_status, error.message
          else
            assert_nil error.http_status, error.message
          end
        end
        assert_equal faulty.truth(:plans).size, client.plans.count
      end
    end
  end

  # After an error the iterator stays at the last record returned: the listing's checkpoint
  # resumes exactly there.
  def test_checkpoint_survives_a_failed_page
    Sandbox.with(faults: "503@3") do |faulty|
      # One walk, so that the third request is the third page (slices keep several out).
      faulty.client(max_retries: 0, page_size: 10, parallel_slices: 1) do |client|
        seen = []
        listing = client.customers
        error = assert_raises(Billtap::ProviderError) { listing.each { |c| seen << c } }
        assert_equal 503, error.http_status
        # Two pages came before the failing third (the sandbox, like Stripe, may send
        # short pages).
        assert_equal 3, listing.stats.requests
        assert_equal listing.stats.records, seen.size
        refute_empty seen
        rest = client.customers(checkpoint: listing.checkpoint).to_a
        assert_no_duplicate_ids(seen + rest)
        assert_equal faulty.truth(:customers), hashes(seen + rest)
      end
    end
  end

  def test_every_status_code_has_a_class
    Billtap::Native::STATUS.each do |name, code|
      klass = Billtap::Error.class_for(code)
      assert_operator klass, :<, Billtap::Error, name.to_s
      assert_equal name, klass.new("x", code: code).code_name
    end
    assert_equal Billtap::Error, Billtap::Error.class_for(-99)
    assert_equal Billtap::NetworkError, Billtap::Error.class_for(Billtap::Native::ETIMEOUT)
    assert_equal Billtap::DataError, Billtap::Error.class_for(Billtap::Native::EPARSE)
    assert_equal Billtap::SettingError, Billtap::Error.class_for(Billtap::Native::EUNKNOWN_SETTING)
    assert_equal Billtap::CanceledError, Billtap::Error.class_for(Billtap::Native::ECANCELED)
  end

  def test_unknown_resource
    sandbox.client do |client|
      assert_raises(ArgumentError) { client.list(:invoice) }
      assert_raises(ArgumentError) { client.iterator("nope") }
      error = assert_raises(ArgumentError) { client.list("") }
      assert_includes error.message, "invoices", "the message lists the library's resources"
    end
  end
end
