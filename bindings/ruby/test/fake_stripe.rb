# frozen_string_literal: true

require "json"
require "socket"
require "uri"

# A tiny Stripe imitation on 127.0.0.1 for the invoice tests (plain TCPServer: WEBrick is
# not part of Debian's ruby). It serves the Stripe provider's invoice fixtures
# (src/providers/stripe/tests/fixtures, shaped after Stripe's OpenAPI) the way Stripe
# pages them: GET /v1/invoices honours limit, starting_after and the created[gt|gte|lt|lte]
# filter (billtap reads lists in time slices), and
# GET /v1/invoices/{id}/lines serves an invoice's whole line list (the embedded lines, then
# the fixture's further pages) one line per page, so lines beyond the embedded ones are
# paged as they are from Stripe. Every request is recorded; a wrong key gets Stripe's 401.
class FakeStripe
  API_KEY = "sk_test_fake"
  FIXTURES = File.expand_path("../../../src/providers/stripe/tests/fixtures", __dir__)

  attr_reader :url

  # The fake for the duration of the block.
  def self.with
    fake = new
    yield fake
  ensure
    fake&.stop
  end

  def initialize
    @invoices = fixture("invoices_basil.json").fetch("data")
    @lines = @invoices.to_h { |invoice| [invoice["id"], invoice.dig("lines", "data").dup] }
    %w[invoice_lines_p1.json invoice_lines_p2.json].each do |name|
      page = fixture(name)
      @lines.fetch(page["url"][%r{\A/v1/invoices/([^/]+)/lines\z}, 1]).concat(page["data"])
    end
    @requests = []
    @lock = Mutex.new
    @server = TCPServer.new("127.0.0.1", 0)
    @url = "http://127.0.0.1:#{@server.addr[1]}"
    @thread = Thread.new { serve }
  end

  # The invoices in list order (newest first), as the fixture has them.
  def invoice_ids
    @invoices.map { |invoice| invoice["id"] }
  end

  # Every line of an invoice, in order: what a complete extraction must hold.
  def line_ids(invoice_id)
    @lines.fetch(invoice_id).map { |line| line["id"] }
  end

  # The request targets served so far ("/v1/invoices?limit=1", ...).
  def requests
    @lock.synchronize { @requests.dup }
  end

  def stop
    @server.close
    @thread.join
  end

  private

  def fixture(name)
    JSON.parse(File.read(File.join(FIXTURES, name)))
  end

  def serve
    loop do
      socket = @server.accept
      begin
        handle(socket)
      rescue IOError, SystemCallError
        nil # the client went away mid-request
      ensure
        socket.close
      end
    end
  rescue IOError, SystemCallError
    nil # stop closed the listening socket
  end

  def handle(socket)
    request_line = socket.gets or return
    headers = {}
    while (line = socket.gets) && line != "\r\n"
      name, value = line.split(":", 2)
      headers[name.strip.downcase] = value.to_s.strip
    end
    _method, target = request_line.split(" ")
    @lock.synchronize { @requests << target }
    status, body = route(target, headers)
    socket.write("HTTP/1.1 #{status} #{status == 200 ? 'OK' : 'Error'}\r\n" \
                 "Content-Type: application/json\r\nRequest-Id: req_fake#{requests.size}\r\n" \
                 "Content-Length: #{body.bytesize}\r\nConnection: close\r\n\r\n#{body}")
  end

  def route(target, headers)
    unless headers["authorization"] == "Bearer #{API_KEY}"
      return [401, error("invalid_request_error", "Invalid API Key provided")]
    end

    uri = URI.parse(target)
    query = URI.decode_www_form(uri.query.to_s).to_h
    limit = Integer(query.fetch("limit", "10"))
    case uri.path
    when "/v1/invoices"
      page("/v1/invoices", created_within(@invoices, query), query["starting_after"], limit)
    when %r{\A/v1/invoices/([^/]+)/lines\z}
      lines = @lines[Regexp.last_match(1)] or return [404, error("invalid_request_error", "No such invoice")]
      page(uri.path, lines, query["starting_after"], [limit, 1].min)
    else
      [404, error("invalid_request_error", "Unrecognized request URL (GET: #{uri.path})")]
    end
  end

  CREATED_BOUNDS = { "gt" => :>, "gte" => :>=, "lt" => :<, "lte" => :<= }.freeze

  # The objects Stripe's created[gt|gte|lt|lte] (Unix seconds) let through.
  def created_within(objects, query)
    CREATED_BOUNDS.reduce(objects) do |kept, (op, compare)|
      bound = query["created[#{op}]"]
      bound ? kept.select { |o| o["created"].public_send(compare, Integer(bound)) } : kept
    end
  end

  # [status, body]: the objects after starting_after (an id that must be in the list, as
  # Stripe requires), at most limit of them.
  def page(path, objects, starting_after, limit)
    start = 0
    if starting_after
      at = objects.index { |o| o["id"] == starting_after } or
        return [404, error("invalid_request_error", "No such object: '#{starting_after}'")]
      start = at + 1
    end
    data = objects[start, limit]
    [200, JSON.generate("object" => "list", "url" => path, "has_more" => start + data.size < objects.size,
                        "data" => data)]
  end

  def error(type, message)
    JSON.generate("error" => { "type" => type, "message" => message })
  end
end
