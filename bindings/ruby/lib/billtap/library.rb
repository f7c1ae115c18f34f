# frozen_string_literal: true

require "rbconfig"

module Billtap
  # Finds libbilltap.so.0 and loads it into Native, in this order:
  #
  # 1. BILLTAP_LIB: the library file, or a directory holding it (a build tree's src/, an
  #    install's libdir). Set, it is the only place tried: a wrong path fails loudly rather
  #    than quietly picking up another copy.
  # 2. pkg-config's libdir for billtap (`pkg-config --variable=libdir billtap`), so an
  #    install under any prefix is found once PKG_CONFIG_PATH names its pkgconfig directory.
  # 3. The dynamic loader's own search (ldconfig's cache, LD_LIBRARY_PATH, system dirs).
  #
  # Only the soname is ever loaded (the ABI this gem is written for): an unversioned
  # libbilltap.so could be a later, incompatible major. When nothing loads, the LoadError
  # lists every place tried, why each failed, and how to fix it.
  # @api private
  module Library
    # The file name of ABI 0 on this platform.
    SONAMES = (RbConfig::CONFIG["host_os"].include?("darwin") ? ["libbilltap.0.dylib"] : ["libbilltap.so.0"]).freeze

    class << self
      # Loads the first candidate that opens into the FFI::Library `native`; returns the
      # path (or soname) that loaded.
      def load(native)
        tried = []
        candidates.each do |source, path, note|
          if note
            tried << "  #{source}: #{note}"
            next
          end
          native.ffi_lib(path)
          return path
        rescue LoadError => e
          tried << "  #{source}: #{path}: #{reason(e, path)}"
        end
        raise LoadError, failure_message(tried)
      end

      # [how it was found, path] in the order tried; [how, nil, why not] for a place that
      # gave no path (pkg-config not knowing billtap), so the error can say so.
      def candidates
        explicit = ENV["BILLTAP_LIB"]
        return from_env(explicit) if explicit && !explicit.empty?

        libdir, why_not = pkg_config_libdir
        from_pkg_config = libdir ? SONAMES.map { |name| ["pkg-config libdir", File.join(libdir, name)] } : [["pkg-config", nil, why_not]]
        from_pkg_config + SONAMES.map { |name| ["system loader", name] }
      end

      private

      def from_env(path)
        if File.directory?(path)
          SONAMES.map { |name| ["BILLTAP_LIB directory", File.join(path, name)] }
        else
          [["BILLTAP_LIB", path]]
        end
      end

      # [libdir] or [nil, why not].
      def pkg_config_libdir
        out = IO.popen(["pkg-config", "--variable=libdir", "billtap"], err: File::NULL, &:read).strip
        return [out] if $?.success? && !out.empty?

        [nil, "no billtap.pc (PKG_CONFIG_PATH=#{ENV.fetch('PKG_CONFIG_PATH', '(unset)')})"]
      rescue SystemCallError
        [nil, "pkg-config is not installed"]
      end

      # ffi's message and dlerror's both repeat the path; what follows it is what tells.
      def reason(error, path)
        error.message.lines.first.to_s.strip.chomp(".")
             .delete_prefix("Could not open library '#{path}': ").delete_prefix("#{path}: ")
      end

      def failure_message(tried)
        <<~MESSAGE.chomp
          billtap: cannot load the billtap C library (#{SONAMES.first}). Tried:
          #{tried.join("\n")}
          Install it (docs/install.md), then either
            - run ldconfig (an install under /usr/local), or
            - set PKG_CONFIG_PATH to the directory holding billtap.pc (PREFIX/lib/.../pkgconfig), or
            - set BILLTAP_LIB to the library file or its directory (a build tree: BUILD/src).
        MESSAGE
      end
    end
  end
end
