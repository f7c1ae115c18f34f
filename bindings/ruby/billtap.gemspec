# frozen_string_literal: true

require_relative "lib/billtap/version"

Gem::Specification.new do |spec|
  spec.name = "billtap"
  spec.version = Billtap::VERSION
  spec.summary = "Billing data (customers, plans, subscriptions, invoices, transactions) from " \
                 "Stripe and other billing services, as exact normalized records"
  spec.description = "Ruby binding of libbilltap (libbilltap.so.0) through the ffi gem: " \
                     "Enumerable listings with resumable checkpoints, frozen records with " \
                     "exact Money, and an error class per failure."
  spec.authors = ["billtap contributors"]
  spec.license = "MIT"
  spec.homepage = "https://github.com/billtap/billtap"
  spec.metadata = {
    "homepage_uri" => spec.homepage,
    "source_code_uri" => "https://github.com/billtap/billtap/tree/main/bindings/ruby",
    "changelog_uri" => "https://github.com/billtap/billtap/blob/main/CHANGELOG.md",
    "documentation_uri" => "https://github.com/billtap/billtap/blob/main/bindings/ruby/README.md",
    "bug_tracker_uri" => "https://github.com/billtap/billtap/issues",
    "rubygems_mfa_required" => "true"
  }

  spec.required_ruby_version = ">= 3.0"
  # Listed from the tree, not git: the gem must build from a plain copy. LICENSE is a copy
  # of the top-level one (a gem is built from this directory alone).
  spec.files = Dir.chdir(__dir__) { Dir["lib/**/*.rb", "README.md", "LICENSE"] }
  spec.require_paths = ["lib"]

  # No C extension: the library is loaded at run time (libbilltap.so.0, or BILLTAP_LIB).
  spec.requirements << "libbilltap.so.0 0.1.0 or later (the billtap C library, ABI 0)"
  spec.add_dependency "ffi", ">= 1.15", "< 2"
  spec.add_development_dependency "minitest", "~> 5.15"
  spec.add_development_dependency "rake", ">= 13"
end
