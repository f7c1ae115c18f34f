# frozen_string_literal: true

module Billtap
  # @api private
  module Native
    attach_function :billtap_provider_load, %i[pointer string pointer size_t], :int
    attach_function :billtap_provider_unregister, [:string], :int
    attach_function :billtap_provider_describe, %i[pointer pointer pointer string], :int
    attach_function :billtap_provider_setting,
                    %i[pointer pointer pointer pointer pointer pointer string size_t], :int

    SETTING_SECRET = 0x1
    SETTING_INT = 0x2
    SETTING_URL = 0x4
    SETTING_REQUIRED = 0x8
    SETTING_BOOL = 0x10
    SETTING_ENGINE = 0x20
  end

  class << self
    # Loads a provider plugin (a shared object exporting billtap_plugin_init, see
    # docs/providers.md) and registers its provider. Returns the provider's name, for
    # Client.new. Raises PluginError with the library's message (naming the file and what
    # went wrong: no such file, no entry point, a version mismatch, the name taken).
    def load_plugin(path)
      path = path.to_path if path.respond_to?(:to_path)
      raise TypeError, "plugin path must be a String, not #{path.class}" unless path.is_a?(String)

      name = FFI::MemoryPointer.new(:pointer)
      error = FFI::MemoryPointer.new(:char, 1024)
      rc = Native.billtap_provider_load(name, path, error, error.size)
      if rc.negative?
        message = error.read_string.force_encoding(Encoding::UTF_8)
        message = "billtap: #{path}: #{Native.billtap_strerror(rc)}" if message.empty?
        klass = [Native::EPLUGIN, Native::EVERSION].include?(rc) ? PluginError : Error.class_for(rc)
        raise klass.new(message, code: rc)
      end
      utf8(name.read_pointer.read_string)
    end

    # Removes a provider from the registry: new clients can no longer be made for it,
    # clients already open keep working (a plugin is unloaded after the last is closed).
    # Raises UnknownProviderError.
    def unregister_provider(name)
      rc = Native.billtap_provider_unregister(name.to_s)
      raise unknown_provider(name, rc) if rc == Native::EUNKNOWN_PROVIDER
      raise Error.from_code(rc) if rc.negative?

      nil
    end

    # A frozen ProviderInfo: display name, resources, the resources that honour `since`,
    # and every setting (the provider's own, then the engine's) with its type, flags,
    # default and description. Raises UnknownProviderError.
    def describe(name)
      name = name.to_s
      display = FFI::MemoryPointer.new(:pointer)
      masks = FFI::MemoryPointer.new(:uint64, 2)
      rc = Native.billtap_provider_describe(display, masks, masks + 8, name)
      raise unknown_provider(name, rc) if rc == Native::EUNKNOWN_PROVIDER
      raise Error.from_code(rc) if rc.negative?

      resources, since = masks.read_array_of_uint64(2)
      ProviderInfo.new(name: name.dup.freeze, display_name: utf8(display.read_pointer.read_string),
                       resources: resource_names(resources), since_resources: resource_names(since),
                       settings: settings_of(name))
    end

    private

    def unknown_provider(name, code)
      UnknownProviderError.new("unknown provider '#{name}' (known: #{providers.join(', ')})", code: code)
    end

    def resource_names(mask)
      names = []
      (1..63).each do |value|
        name = Native.billtap_resource_name(value) or break
        names << name.to_sym if mask[value] == 1
      end
      names
    end

    def settings_of(provider)
      out = Array.new(6) { FFI::MemoryPointer.new(:pointer) } # name flags default min max desc
      name, flags, default, min, max, description = out
      settings = []
      index = 0
      while Native.billtap_provider_setting(name, flags, default, min, max, description, provider, index).zero?
        settings << setting_of(name.read_pointer, flags.read_uint, default.read_pointer,
                               min.read_int64, max.read_int64, description.read_pointer)
        index += 1
      end
      settings
    end

    def setting_of(name, flags, default, min, max, description)
      type = if flags & Native::SETTING_INT != 0 then :int
             elsif flags & Native::SETTING_BOOL != 0 then :bool
             elsif flags & Native::SETTING_URL != 0 then :url
             else :string
             end
      ProviderInfo::Setting.new(
        name: utf8(name.read_string), type: type,
        flags: { required: Native::SETTING_REQUIRED, secret: Native::SETTING_SECRET,
                 engine: Native::SETTING_ENGINE }.select { |_, bit| flags & bit != 0 }.keys,
        default: default.null? ? nil : utf8(default.read_string),
        min: type == :int ? min : nil, max: type == :int ? max : nil,
        description: description.null? ? nil : utf8(description.read_string)
      )
    end

    def utf8(string)
      string.dup.force_encoding(Encoding::UTF_8).freeze
    end
  end
end
