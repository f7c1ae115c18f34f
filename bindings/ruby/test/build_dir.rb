# frozen_string_literal: true

# Lets one test file, `rake test` or test/run run without any environment: unless set
# already, BILLTAP_LIB, BILLTAP_SANDBOX and BILLTAP_TEST_PLUGINS point into the source
# tree's standard build directory (BILLTAP_BUILD_DIR, default build/ at the top of the
# tree) when it has them. Without a build there, the library is looked up as an installed
# gem would (pkg-config, then the loader), and the sandbox tests fail saying what is missing.
module BuildDir
  TOP = File.expand_path("../../..", __dir__)

  def self.path
    File.expand_path(ENV.fetch("BILLTAP_BUILD_DIR", "build"), TOP)
  end

  def self.default(name, relative)
    return if ENV[name] && !ENV[name].empty?

    candidate = File.join(path, relative)
    ENV[name] = candidate if File.exist?(candidate)
  end

  default("BILLTAP_LIB", "src/libbilltap.so.0")
  default("BILLTAP_SANDBOX", "tests/sandbox/billtap-sandbox")
  default("BILLTAP_TEST_PLUGINS", "tests/plugins")
end
