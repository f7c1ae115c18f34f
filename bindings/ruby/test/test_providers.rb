# frozen_string_literal: true

require_relative "test_helper"

# Every built-in provider the sandbox has a module for, found by introspection
# (Billtap.providers, Billtap.describe, billtap-sandbox --help): each resource it lists
# equals its sandbox's truth file. No provider is named here.
class TestProviders < Minitest::Test
  include SandboxTest

  def providers
    Billtap.providers & Sandbox.modules
  end

  def test_every_provider_has_a_sandbox_module
    assert_includes providers, "stripe"
    assert_operator providers.size, :>=, 2
  end

  def test_every_resource_of_every_provider_equals_its_truth
    providers.each do |name|
      Sandbox.with(provider: name, scale: 120) do |box|
        served = Billtap.describe(name).resources.select { |resource| box.served?(resource) }
        refute_empty served, "#{name}: the sandbox writes no truth for any resource"
        box.client do |client|
          served.each do |resource|
            records = client.list(resource).to_a
            assert_no_duplicate_ids(records)
            assert_equal box.truth(resource), hashes(records), "#{name} #{resource}"
          end
        end
      end
    end
  end
end
