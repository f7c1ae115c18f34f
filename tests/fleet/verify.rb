# frozen_string_literal: true

require "json"
require "pg"

# Compares the fleet's tables with the sandbox's truth files, by a path of its own: SQL
# that rebuilds each row (and its nested rows, by position) as the truth file's JSON, read
# back with JSON.parse, against the truth lines parsed the same way. Nothing of the sink's
# code is used.
class FleetVerify
  attr_reader :counts

  def initialize(conninfo, sandbox)
    @conninfo = conninfo
    @sandbox = sandbox
    @counts = {}
  end

  # Yields (ok, what, detail) per resource: no missing row, no extra (or duplicate) row,
  # every column equal.
  def check_all(round:)
    conn = PG.connect(@conninfo)
    total = 0
    Billtap::Model.resources.each_key do |resource|
      want = truth(resource)
      got = rows(conn, resource)
      total += got.size
      missing = want.keys - got.keys
      extra = got.keys - want.keys
      differ = (want.keys & got.keys).reject { |k| want[k] == got[k] }
      detail = "missing #{missing.size} #{missing.first(2)}, extra #{extra.size} #{extra.first(2)}, " \
               "differ #{differ.size}#{differ.first(1).map { |k| " #{k}: want #{want[k]} got #{got[k]}" }.join}"
      yield(want.any? && missing.empty? && extra.empty? && differ.empty?,
            "round #{round}: billtap_#{resource} equals the truth (#{want.size} rows)", detail)
    end
    @counts[round] = total
  ensure
    conn&.close
  end

  # {"sync" => n, "done" => n}: how the checkpoints stand.
  def checkpoint_modes
    conn = PG.connect(@conninfo)
    conn.exec("SELECT mode, count(*) FROM billtap_checkpoints GROUP BY mode").to_h { |r| [r["mode"], r["count"].to_i] }
  ensure
    conn&.close
  end

  private

  # [account, provider, id] => the truth line's Hash, over every account the provider of
  # which serves the resource.
  def truth(resource)
    @sandbox.accounts.each_with_object({}) do |(name, account), out|
      next unless Billtap.describe(account["provider"]).resources.include?(resource)

      File.foreach(File.join(@sandbox.truth_dir, name, "#{resource}.jsonl")) do |line|
        record = JSON.parse(line)
        key = [name, account["provider"], record["id"]]
        raise "truth: #{key} twice" if out.key?(key)

        out[key] = record
      end
    end
  end

  def rows(conn, resource)
    kind = Billtap::Sync::Postgres.kind_of(resource)
    nested = kind.nested_value && Billtap::Model.kinds.fetch(kind.nested_value)
    select = "json_build_object('object', '#{kind.name}', #{json_args(kind, 't')})::text AS j"
    if nested
      select += ", (SELECT coalesce(json_agg(json_build_object('object', '#{nested.name}', #{json_args(nested, 'c')}) " \
                "ORDER BY c.position), '[]') FROM billtap_#{nested.name}s c WHERE c.account = t.account AND " \
                "c.provider = t.provider AND c.parent_id = t.id)::text AS n"
    end
    out = {}
    conn.exec("SELECT account, provider, id, #{select} FROM billtap_#{resource} t").each do |row|
      record = JSON.parse(row["j"])
      record[kind.nested_member] = JSON.parse(row["n"]) if nested
      key = [row["account"], row["provider"], row["id"]]
      raise "table: #{key} twice" if out.key?(key)

      out[key] = record
    end
    out
  end

  def json_args(kind, table)
    kind.fields.map do |f|
      col = %(#{table}."#{f.name}")
      value = f.type == :time ? %(to_char(#{col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) : col
      "'#{f.name}', #{value}"
    end.join(", ")
  end
end
