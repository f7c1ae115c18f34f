# frozen_string_literal: true

# The README's example:
#   BILLTAP_LIB=BUILD/src/libbilltap.so.0 ruby -Ilib examples/recent_customers.rb URL KEY
require "billtap"

Billtap::Client.open(:stripe, api_key: ARGV[1], base_url: ARGV[0]) do |client|
  client.customers.first(3).each { |c| puts "#{c.id} #{c.created_at.strftime('%F')} #{c.country}" }

  payments = client.transactions(since: Time.utc(2025, 6, 1))
  payments.lazy.select { |t| t.result == "succeeded" }.first(3).each do |t|
    puts "#{t.id} #{t.kind} #{t.amount} (#{t.amount.to_d.class})"
  end
  puts "#{payments.stats.requests} request(s); resume with #{payments.checkpoint[0, 24]}..."
rescue Billtap::AuthenticationError => e
  abort "bad key: HTTP #{e.http_status}, request #{e.request_id}"
end
