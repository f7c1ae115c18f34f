# frozen_string_literal: true

module Billtap
  # Equality of value objects by their #to_h.
  # @api private
  module ValueEquality
    def ==(other)
      other.instance_of?(self.class) && to_h == other.to_h
    end
    alias eql? ==

    def hash
      to_h.hash
    end
  end

  # What a registered provider offers, from billtap_provider_describe and
  # billtap_provider_setting (see Billtap.describe). Frozen.
  class ProviderInfo
    # One setting. type: :string, :int, :bool or :url; flags: some of :required, :secret,
    # :engine (the engine's settings, the same for every provider); default: its text or
    # nil; min/max: the bounds of an :int setting, else nil; description: one line or nil.
    class Setting
      include ValueEquality

      attr_reader :name, :type, :flags, :default, :min, :max, :description

      def initialize(name:, type:, flags:, default:, min:, max:, description:)
        @name = name
        @type = type
        @flags = flags.freeze
        @default = default
        @min = min
        @max = max
        @description = description
        freeze
      end

      def required?
        flags.include?(:required)
      end

      def secret?
        flags.include?(:secret)
      end

      def engine?
        flags.include?(:engine)
      end

      def to_h
        { name: name, type: type, flags: flags, default: default, min: min, max: max,
          description: description }
      end

      def inspect
        "#<#{self.class} #{name} #{type}#{" #{min}..#{max}" if type == :int}#{" #{flags.join(',')}" unless flags.empty?}>"
      end
    end

    include ValueEquality

    # name: the registered name; display_name: "Stripe"; resources: what it lists
    # ([:customers, ...]); since_resources: those that honour `since`; settings: the
    # provider's own Settings first, then the engine's.
    attr_reader :name, :display_name, :resources, :since_resources, :settings

    def initialize(name:, display_name:, resources:, since_resources:, settings:)
      @name = name
      @display_name = display_name
      @resources = resources.freeze
      @since_resources = since_resources.freeze
      @settings = settings.freeze
      @by_name = settings.to_h { |setting| [setting.name, setting] }.freeze
      freeze
    end

    # The Setting called name (String or Symbol), or nil.
    def setting(name)
      @by_name[name.to_s]
    end
    alias [] setting

    def setting_names
      @by_name.keys
    end

    def to_h
      { name: name, display_name: display_name, resources: resources,
        since_resources: since_resources, settings: settings.map(&:to_h) }
    end

    def inspect
      "#<#{self.class} #{name} (#{display_name}) #{resources.join(',')}>"
    end

    # The text billtap_client_set takes for `value` of setting `key`, or nil (restore the
    # default). Integer for :int, true/false for :bool, String (or Symbol, or a URI) for
    # text; a String passes as is for every type, for the library to check. Raises
    # SettingError naming the key (and the known ones when it is unknown); a secret's
    # value never appears in a message.
    def setting_text(key, value)
      setting = self.setting(key)
      unless setting
        raise SettingError.new("#{name}: unknown setting '#{key}' (known: #{setting_names.join(', ')})",
                               code: Native::EUNKNOWN_SETTING)
      end
      return nil if value.nil?
      return value if value.is_a?(String)

      case setting.type
      when :int
        return value.to_s if value.is_a?(Integer)
      when :bool
        return value.to_s if [true, false].include?(value)
      else
        return value.to_s if value.is_a?(Symbol) || (defined?(URI::Generic) && value.is_a?(URI::Generic))
      end
      raise wrong_type(setting, value)
    end

    private

    WANTED = { int: "an Integer", bool: "true or false", url: "a String", string: "a String" }.freeze
    private_constant :WANTED

    def wrong_type(setting, value)
      kind = value.class.name
      shown = setting.secret? ? "#{kind.match?(/\A[AEIOU]/) ? 'an' : 'a'} #{kind}" : "#{value.inspect} (#{kind})"
      SettingError.new("#{name}: setting #{setting.name} wants #{WANTED.fetch(setting.type)}, not #{shown}",
                       code: Native::ESETTING)
    end
  end
end
