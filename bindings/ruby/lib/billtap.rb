# frozen_string_literal: true

require_relative "billtap/version"
require_relative "billtap/native"
require_relative "billtap/errors"
require_relative "billtap/handles"
require_relative "billtap/money"
require_relative "billtap/model"
require_relative "billtap/records"
require_relative "billtap/provider_info"
require_relative "billtap/plugins"
require_relative "billtap/client"
require_relative "billtap/iterator"
require_relative "billtap/listing"
require_relative "billtap/observe"
require_relative "billtap/sync"

# Ruby binding of libbilltap: billing data (customers, plans, subscriptions, invoices,
# transactions, and whatever else the loaded library lists) from billing services, as
# exact, normalized records.
module Billtap
  class << self
    # The version of the C library loaded ("0.1.0"); Billtap::VERSION is the gem's.
    def version
      Native.billtap_version(nil, nil, nil).dup.force_encoding(Encoding::UTF_8).freeze
    end

    # The names of the registered providers (["stripe", ...]), for Client.new.
    def providers
      count = Native.billtap_provider_names(nil, 0)
      names = FFI::MemoryPointer.new(:pointer, count)
      Native.billtap_provider_names(names, count)
      names.read_array_of_pointer(count).map { |name| name.read_string.force_encoding(Encoding::UTF_8).freeze }.freeze
    end
  end

  # libcurl's global init is not thread-safe before curl 7.84: do it now, while loading,
  # rather than from whichever thread makes the first client.
  rc = Native.billtap_global_init
  raise Error.from_code(rc, "billtap: cannot initialise: #{Native.billtap_strerror(rc)}") if rc.negative?
end
