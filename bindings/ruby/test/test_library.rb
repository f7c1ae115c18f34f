# frozen_string_literal: true

require_relative "test_helper"
require "open3"
require "rbconfig"
require "tmpdir"

# How require "billtap" finds libbilltap (lib/billtap/library.rb), each case in a fresh
# ruby process with a controlled environment.
class TestLibrary < Minitest::Test
  include SandboxTest
  LIB = File.expand_path("../lib", __dir__)

  # [status, stdout, stderr] of `require "billtap"` printing the path that loaded.
  def load_with(env)
    env = { "BILLTAP_LIB" => nil, "PKG_CONFIG_PATH" => nil, "LD_LIBRARY_PATH" => nil,
            "RUBYOPT" => nil }.merge(env)
    out, err, status = Open3.capture3(env, RbConfig.ruby, "-I#{LIB}", "-e",
                                      'require "billtap"; puts Billtap::Native::LIBRARY_PATH, Billtap.version')
    [status, out, err]
  end

  def built_library
    ENV.fetch("BILLTAP_LIB") { skip_loudly("no built library (BILLTAP_LIB unset and no build/ tree)") }
  end

  def test_billtap_lib_names_the_file_or_its_directory
    file = File.expand_path(built_library)
    file = File.join(file, "libbilltap.so.0") if File.directory?(file)
    [file, File.dirname(file)].each do |given|
      status, out, err = load_with("BILLTAP_LIB" => given)
      assert status.success?, err
      path, version = out.lines.map(&:chomp)
      assert_equal file, File.expand_path(path)
      assert_match(/\A\d+\.\d+\.\d+/, version)
    end
  end

  def test_a_wrong_billtap_lib_is_the_only_place_tried
    status, _out, err = load_with("BILLTAP_LIB" => "/nonexistent/libbilltap.so.0",
                                  "PKG_CONFIG_PATH" => "/nonexistent")
    refute status.success?
    assert_includes err, "LoadError"
    assert_includes err, "BILLTAP_LIB: /nonexistent/libbilltap.so.0: cannot open shared object file"
    refute_includes err, "pkg-config"
    # The fixes, named.
    assert_includes err, "set BILLTAP_LIB to the library file or its directory"
    assert_includes err, "set PKG_CONFIG_PATH to the directory holding billtap.pc"
    assert_includes err, "ldconfig"
  end

  # An install under a prefix: found through billtap.pc's libdir alone.
  def test_pkg_config_libdir
    skip_loudly("pkg-config is not installed") unless system("pkg-config --version", out: File::NULL)
    Dir.mktmpdir("billtap-prefix") do |prefix|
      libdir = File.join(prefix, "lib")
      FileUtils.mkdir_p(File.join(libdir, "pkgconfig"))
      FileUtils.cp(File.realpath(built_library_file), File.join(libdir, "libbilltap.so.0"))
      File.write(File.join(libdir, "pkgconfig", "billtap.pc"), <<~PC)
        prefix=#{prefix}
        libdir=${prefix}/lib
        Name: billtap
        Description: test
        Version: 0.0.0
        Libs: -L${libdir} -lbilltap
      PC
      status, out, err = load_with("PKG_CONFIG_PATH" => File.join(libdir, "pkgconfig"))
      assert status.success?, err
      assert_equal File.join(libdir, "libbilltap.so.0"), out.lines.first.chomp
    end
  end

  def test_nothing_found_says_what_was_tried
    skip_loudly("libbilltap.so.0 is installed system-wide") if system_library?
    status, _out, err = load_with("PKG_CONFIG_PATH" => "/nonexistent")
    refute status.success?
    assert_includes err, "pkg-config: no billtap.pc (PKG_CONFIG_PATH=/nonexistent)"
    assert_includes err, "system loader: libbilltap.so.0: cannot open shared object file"
  end

  private

  def built_library_file
    path = built_library
    File.directory?(path) ? File.join(path, "libbilltap.so.0") : path
  end

  def system_library?
    `ldconfig -p 2>/dev/null`.include?("libbilltap.so.0")
  end
end
