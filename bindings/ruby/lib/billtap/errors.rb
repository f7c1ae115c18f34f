# frozen_string_literal: true

module Billtap
  # Every failure of the C library, with the details the client recorded for it.
  #
  # Subclasses group the BILLTAP_E* codes by what a caller would do about them (fix the
  # key, back off, retry later, ...); #code and #code_name keep the exact one.
  class Error < StandardError
    # The BILLTAP_E* status code (a negative Integer), or nil for errors raised by the
    # binding itself.
    attr_reader :code
    # The HTTP status of the response behind the error, or nil.
    attr_reader :http_status
    # The provider's request id ("req_..."), or nil.
    attr_reader :request_id
    # The provider's own error code ("resource_missing"), or nil.
    attr_reader :provider_code

    def initialize(message = nil, code: nil, http_status: nil, request_id: nil, provider_code: nil)
      super(message)
      @code = code
      @http_status = http_status
      @request_id = request_id
      @provider_code = provider_code
    end

    # :EAUTH, :ENETWORK, ... or nil.
    def code_name
      Native::STATUS.key(code)
    end
  end

  # EAUTH: the provider rejected the credentials (HTTP 401).
  class AuthenticationError < Error; end
  # EPERMISSION: the credentials lack a permission (HTTP 403).
  class PermissionError < Error; end
  # ERATELIMIT: still rate limited after every allowed retry.
  class RateLimitError < Error; end
  # EREQUEST (other HTTP 4xx) and ESERVER (HTTP 5xx after every retry): rescue this for
  # both, or one of its two subclasses for one status family.
  class ProviderError < Error; end
  # EREQUEST: the provider refused the request (an HTTP 4xx other than 401, 403 and 429,
  # which have classes of their own). Retrying repeats it.
  class RequestError < ProviderError; end
  # ESERVER: the provider failed (HTTP 5xx) on every allowed retry. Worth retrying later,
  # from the iterator's checkpoint.
  class ServerError < ProviderError; end
  # ENETWORK, ETIMEOUT and ETRANSPORT: the request did not get an answer.
  class NetworkError < Error; end
  # EPARSE and EDATA: the answer could not be used. Retrying repeats them.
  class DataError < Error; end
  # ECHECKPOINT: a checkpoint token is malformed, was made for something else, or the data
  # behind it changed.
  class CheckpointError < Error; end
  # ESETTING and EUNKNOWN_SETTING: a setting's key or value is wrong, or one is missing.
  class SettingError < Error; end
  # EUNSUPPORTED: the provider cannot list this resource or filter it so.
  class UnsupportedError < Error; end
  # EUNKNOWN_PROVIDER: no provider registered under that name.
  class UnknownProviderError < Error; end
  # ECANCELED: Iterator#cancel stopped the iteration.
  class CanceledError < Error; end
  # ENOMEM.
  class OutOfMemoryError < Error; end
  # EPLUGIN, and EVERSION from Billtap.load_plugin: a plugin cannot be loaded (no such
  # file, no entry point, a version mismatch, its provider invalid or its name taken).
  class PluginError < Error; end
  # EINVAL, EVERSION, ENOTFOUND, ETYPE, EUSAGE: a call the library refused as malformed or
  # out of sequence. From this binding, a bug in it.
  class UsageError < Error; end
  # A call on a Client or Iterator that was already closed (code EUSAGE).
  class ClosedError < UsageError; end

  class Error
    CLASSES = {
      EAUTH: AuthenticationError, EPERMISSION: PermissionError, ERATELIMIT: RateLimitError,
      EREQUEST: RequestError, ESERVER: ServerError,
      ENETWORK: NetworkError, ETIMEOUT: NetworkError, ETRANSPORT: NetworkError,
      EPARSE: DataError, EDATA: DataError, ECHECKPOINT: CheckpointError,
      ESETTING: SettingError, EUNKNOWN_SETTING: SettingError, EUNSUPPORTED: UnsupportedError,
      EUNKNOWN_PROVIDER: UnknownProviderError, ECANCELED: CanceledError,
      ENOMEM: OutOfMemoryError, EPLUGIN: PluginError,
      EINVAL: UsageError, EVERSION: UsageError, ENOTFOUND: UsageError, ETYPE: UsageError,
      EUSAGE: UsageError
    }.freeze

    class << self
      # The class for a status code; Error itself for codes newer than this binding.
      def class_for(code)
        CLASSES.fetch(Native::STATUS.key(code), Error)
      end

      # The error a failed call on `client` (a C client pointer) returned. Call it before
      # any other call on the client or its iterators: the details live until then.
      # @api private
      def from_client(client, code)
        # Not every failure is recorded on the client (a NULL argument, say): then the
        # client still holds an older error, which must not be passed off as this one.
        unless Native.billtap_client_error_code(client) == code
          return from_code(code)
        end

        message = Native.billtap_client_error_message(client)
        message = Native.billtap_strerror(code) if message.nil? || message.empty?
        status = Native.billtap_client_error_http_status(client)
        class_for(code).new(utf8(message), code: code,
                                           http_status: status.zero? ? nil : status,
                                           request_id: utf8(Native.billtap_client_error_request_id(client)),
                                           provider_code: utf8(Native.billtap_client_error_provider_code(client)))
      end

      # @api private
      def from_code(code, message = nil)
        class_for(code).new(message || Native.billtap_strerror(code), code: code)
      end

      private

      def utf8(string)
        string&.force_encoding(Encoding::UTF_8)
      end
    end
  end
end
