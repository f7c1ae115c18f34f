# frozen_string_literal: true

require_relative "test_helper"

# Every registered provider that billtap-sandbox has a module for, found by introspection
# (Billtap.providers, Billtap.describe): each resource it lists equals the sandbox's truth,
# with no settings but the sandbox's settings line. No provider is named here: a new one
# is covered as soon as it is built in with a sandbox module.
class TestProviders < Minitest::Test
  include SandboxTest

  def test_every_provider_equals_the_sandbox_truth
    covered = 0
    Billtap.providers.each do |name|
      begin
        Sandbox.with(provider: name) do |sandbox|
          Billtap.describe(name).resources.each do |resource|
            records = sandbox.client { |client| client.list(resource).to_a }
            refute_empty sandbox.truth(resource), "#{name} #{resource}: empty truth"
            assert_no_duplicate_ids(records)
            assert_equal sandbox.truth(resource), hashes(records), "#{name} #{resource}"
          end
          covered += 1
        end
      rescue RuntimeError => e
        raise unless e.message.include?("unknown provider")
      end
    end
    assert_operator covered, :>=, 1, "no provider had a sandbox module"
  end
end
