# frozen_string_literal: true

require_relative "test_helper"
require "pathname"
require "uri"

# Billtap.load_plugin, unregister_provider and describe, against the C suite's test
# plugins (tests/plugins: "testplug", a provider of customers, and one variant per broken
# rule), and the settings check Client.new makes with describe.
class TestPlugins < Minitest::Test
  def plugin(variant)
    dir = ENV.fetch("BILLTAP_TEST_PLUGINS") { raise "BILLTAP_TEST_PLUGINS is not set and #{BuildDir.path} has no tests/plugins: build it or run test/run BUILD_DIR" }
    File.join(dir, "testplug_#{variant}.so")
  end

  def with_testplug
    name = Billtap.load_plugin(plugin("ok"))
    yield name
  ensure
    Billtap.unregister_provider("testplug") if Billtap.providers.include?("testplug")
  end

  def test_load_returns_the_name_and_registers_it
    with_testplug do |name|
      assert_equal "testplug", name
      assert_predicate name, :frozen?
      assert_includes Billtap.providers, "testplug"
    end
    refute_includes Billtap.providers, "testplug"
  end

  def test_load_accepts_a_pathname
    assert_equal "testplug", Billtap.load_plugin(Pathname.new(plugin("ok")))
  ensure
    Billtap.unregister_provider("testplug")
  end

  def test_describe_a_plugin
    with_testplug do
      info = Billtap.describe(:testplug)
      assert_predicate info, :frozen?
      assert_equal "testplug", info.name
      assert_equal "Test Plug", info.display_name
      assert_equal [:customers], info.resources
      assert_equal [], info.since_resources
      # Its own settings first, as tests/plugins/test_plugin.c defines them.
      own = info.settings.first(4).map(&:to_h)
      assert_equal [
        { name: "api_key", type: :string, flags: %i[required secret], default: nil, min: nil, max: nil,
          description: "the account's API key" },
        { name: "base_url", type: :url, flags: [], default: "https://api.testplug.invalid", min: nil,
          max: nil, description: "API origin" },
        { name: "page_size", type: :int, flags: [], default: "2", min: 1, max: 50,
          description: "customers per request" },
        { name: "archived", type: :bool, flags: [], default: "false", min: nil, max: nil, description: nil }
      ], own
      engine = info.settings.drop(4)
      refute_empty engine
      assert engine.all?(&:engine?), "settings after the provider's are the engine's"
      assert_equal Billtap.describe(:stripe).settings.select(&:engine?), engine
      timeout = info[:timeout_ms]
      assert_equal [:int, 1, 86_400_000, "300000"], [timeout.type, timeout.min, timeout.max, timeout.default]
      assert info.settings.all?(&:frozen?)
      assert_raises(FrozenError) { info.settings << nil }
    end
  end

  def test_describe_a_builtin
    info = Billtap.describe("stripe")
    assert_equal "Stripe", info.display_name
    assert_includes info.resources, :customers
    assert (info.since_resources - info.resources).empty?
    key = info.setting("api_key")
    assert key.required?
    assert key.secret?
    refute key.engine?
  end

  def test_describe_an_unknown_provider
    error = assert_raises(Billtap::UnknownProviderError) { Billtap.describe(:nope) }
    assert_equal :EUNKNOWN_PROVIDER, error.code_name
    assert_includes error.message, "nope"
    assert_includes error.message, "stripe"
  end

  def assert_plugin_error(variant, code, text)
    error = assert_raises(Billtap::PluginError) { Billtap.load_plugin(plugin(variant)) }
    assert_equal code, error.code_name
    assert_includes error.message, plugin(variant), "the message names the file"
    assert_includes error.message, text
    refute_includes Billtap.providers, "testplug"
    error
  end

  def test_load_errors_carry_the_librarys_message
    assert_plugin_error("missing", :EPLUGIN, "No such file or directory")
    assert_plugin_error("no_export", :EPLUGIN, "exports no billtap_plugin_init function")
    assert_plugin_error("needs_newer", :EVERSION, "needs a newer billtap")
    assert_plugin_error("vtable_newer", :EVERSION, "provider vtable version 3")
    assert_plugin_error("stripe", :EPLUGIN, "a provider named stripe is already registered")
    assert_kind_of Billtap::Error, assert_plugin_error("fails", :EPLUGIN, "out of memory")
    assert_raises(TypeError) { Billtap.load_plugin(nil) }
  end

  def test_loading_twice_is_refused_and_keeps_the_first
    with_testplug do
      error = assert_raises(Billtap::PluginError) { Billtap.load_plugin(plugin("ok")) }
      assert_includes error.message, "a provider named testplug is already registered"
      assert_includes Billtap.providers, "testplug"
    end
  end

  def test_unregister
    with_testplug do
      client = Billtap::Client.new(:testplug, api_key: "tp_key")
      Billtap.unregister_provider(:testplug)
      refute_includes Billtap.providers, "testplug"
      assert_raises(Billtap::UnknownProviderError) { Billtap::Client.new(:testplug) }
      # The client made before keeps working: settings still go through.
      client.set(:page_size, 7)
      assert_equal "testplug", client.provider
      client.close
      error = assert_raises(Billtap::UnknownProviderError) { Billtap.unregister_provider(:testplug) }
      assert_includes error.message, "testplug"
    end
  end

  def test_settings_are_checked_before_the_c_call
    with_testplug do
      error = assert_raises(Billtap::SettingError) { Billtap::Client.new(:testplug, colour: "blue") }
      assert_equal :EUNKNOWN_SETTING, error.code_name
      assert_equal "testplug: unknown setting 'colour' (known: api_key, base_url, page_size, archived, " \
                   "#{Billtap.describe(:testplug).settings.select(&:engine?).map(&:name).join(', ')})",
                   error.message

      error = assert_raises(Billtap::SettingError) { Billtap::Client.new(:testplug, page_size: 2.5) }
      assert_equal :ESETTING, error.code_name
      assert_equal "testplug: setting page_size wants an Integer, not 2.5 (Float)", error.message
      error = assert_raises(Billtap::SettingError) { Billtap::Client.new(:testplug, archived: 1) }
      assert_equal "testplug: setting archived wants true or false, not 1 (Integer)", error.message
      error = assert_raises(Billtap::SettingError) { Billtap::Client.new(:testplug, api_key: 123_456_789) }
      assert_equal "testplug: setting api_key wants a String, not an Integer", error.message
      refute_includes error.message, "123456789", "a secret's value never appears"
      error = assert_raises(Billtap::SettingError) { Billtap::Client.new(:testplug, base_url: true) }
      assert_includes error.message, "base_url wants a String"

      # Integer, true/false and Strings are converted; the library still checks the text.
      Billtap::Client.open(:testplug, api_key: "k", page_size: 50, archived: true, timeout_ms: 1000,
                                      base_url: URI("http://127.0.0.1:9")) do |client|
        client.set(:archived, false).set(:page_size, "3").set(:page_size, nil)
        error = assert_raises(Billtap::SettingError) { client.set(:page_size, 51) }
        assert_includes error.message, "51 is out of range 1..50"
        error = assert_raises(Billtap::SettingError) { client.set(:archived, "maybe") }
        assert_includes error.message, "'maybe' is not true, false, 1 or 0"
        assert_raises(Billtap::SettingError) { client[:page_size] = [] }
      end
    end
  end
end
