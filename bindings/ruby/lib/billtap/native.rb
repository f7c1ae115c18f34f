# frozen_string_literal: true

require "ffi"
require_relative "library"

module Billtap
  # The C ABI of libbilltap.so.0, declared one-to-one (include/billtap.h). Nothing here
  # owns memory or raises: Client, Iterator and Record wrap it.
  # @api private
  module Native
    extend FFI::Library

    # Where the library was found (Library.load: BILLTAP_LIB, pkg-config, the system).
    LIBRARY_PATH = Library.load(self)
    # For another FFI::Library over the same copy (ffi_lib Billtap::Native::LIBRARY_NAMES).
    LIBRARY_NAMES = [LIBRARY_PATH].freeze

    # Status codes (billtap_status). Stable: never renumbered.
    OK = 0
    ITEROVER = 1
    STATUS = {
      EINVAL: -1, ENOMEM: -2, EVERSION: -3, EUNKNOWN_PROVIDER: -4, EUNKNOWN_SETTING: -5,
      ESETTING: -6, EUNSUPPORTED: -7, ENETWORK: -8, ETIMEOUT: -9, EAUTH: -10,
      EPERMISSION: -11, ERATELIMIT: -12, EREQUEST: -13, ESERVER: -14, EPARSE: -15,
      EDATA: -16, ECHECKPOINT: -17, ECANCELED: -18, ENOTFOUND: -19, ETYPE: -20,
      ETRANSPORT: -21, EUSAGE: -22, EPLUGIN: -23
    }.freeze
    STATUS.each { |name, code| const_set(name, code) }

    # billtap_field_type
    TYPE_STRING = 1
    TYPE_INT = 2
    TYPE_BOOL = 3
    TYPE_TIME = 4
    TYPE_MONEY = 5

    TIME_NONE = -(2**63)
    ITER_OPTIONS_VERSION = 1

    # billtap_iter_options, version 1. Grows only by appending; filled in by
    # billtap_iter_options_init since the C macro is out of reach.
    class IterOptions < FFI::Struct
      layout :version, :uint,
             :since, :int64,
             :checkpoint, :pointer

      # The token's memory is kept referenced by the struct: a pointer field alone would
      # not keep it from the garbage collector before billtap_iter_new has copied it.
      def checkpoint=(text)
        @checkpoint = text && FFI::MemoryPointer.from_string(text)
        self[:checkpoint] = @checkpoint || FFI::Pointer::NULL
      end
    end

    typedef :pointer, :client
    typedef :pointer, :iter
    typedef :pointer, :record

    attach_function :billtap_version, %i[pointer pointer pointer], :string
    attach_function :billtap_strerror, [:int], :string
    attach_function :billtap_global_init, [], :int
    attach_function :billtap_provider_names, %i[pointer size_t], :size_t

    # The data model's tables (resources, record kinds, fields): the binding reads them at
    # load time instead of hard-coding them, so a library with more follows without a gem
    # change.
    attach_function :billtap_resource_name, [:int], :string
    attach_function :billtap_resource_from_name, %i[pointer string], :int
    attach_function :billtap_resource_kind, [:int], :int
    attach_function :billtap_record_kind_name, [:int], :string
    attach_function :billtap_record_kind_from_name, %i[pointer string], :int
    attach_function :billtap_record_kind_nested, %i[pointer int], :int
    attach_function :billtap_field_name, [:int], :string
    attach_function :billtap_field_from_name, %i[pointer string], :int
    attach_function :billtap_field_type_of, [:int], :int
    attach_function :billtap_record_kind_fields, %i[pointer size_t int], :int
    attach_function :billtap_field_nullable, %i[int int], :int
    attach_function :billtap_field_vocabulary, %i[pointer size_t int int], :int

    attach_function :billtap_record_kind_of, [:record], :int
    attach_function :billtap_record_get_str, %i[pointer record int], :int
    attach_function :billtap_record_get_int, %i[pointer record int], :int
    attach_function :billtap_record_item_count, [:record], :size_t
    attach_function :billtap_record_item, %i[record size_t], :record
    attach_function :billtap_record_json, %i[record pointer], :pointer
    attach_function :billtap_record_raw_json, %i[record pointer], :pointer

    attach_function :billtap_time_parse, %i[pointer string], :int

    attach_function :billtap_client_new, %i[pointer string pointer], :int
    attach_function :billtap_client_set, %i[client string string], :int
    attach_function :billtap_client_provider, [:client], :string
    attach_function :billtap_client_free, [:client], :void
    attach_function :billtap_client_error_message, [:client], :string
    attach_function :billtap_client_error_code, [:client], :int
    attach_function :billtap_client_error_http_status, [:client], :int
    attach_function :billtap_client_error_request_id, [:client], :string
    attach_function :billtap_client_error_provider_code, [:client], :string

    attach_function :billtap_iter_options_init, %i[pointer uint], :int
    # _new may one day resolve or connect; _next sends requests, sleeps between retries
    # and waits out rate limits. Both release the GVL so other Ruby threads run meanwhile.
    attach_function :billtap_iter_new, %i[pointer client int pointer], :int, blocking: true
    attach_function :billtap_iter_next, %i[pointer iter], :int, blocking: true
    attach_function :billtap_iter_checkpoint, %i[pointer iter], :int
    attach_function :billtap_iter_cancel, [:iter], :void
    attach_function :billtap_iter_stats, %i[pointer pointer pointer iter], :int
    attach_function :billtap_iter_free, [:iter], :void
  end
end
