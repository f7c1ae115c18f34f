# frozen_string_literal: true

require "pg"
require "zlib"
require_relative "../../billtap"

module Billtap
  class Sync
    # A Billtap::Sync sink writing to PostgreSQL through ruby-pg (docs/fleet.md, "The
    # PostgreSQL schema"). The schema follows the loaded library's data model
    # (Billtap::Model), so a new field becomes a new column:
    #
    # - a table per resource, billtap_<resource> (billtap_customers, ...): the key
    #   (account, provider, id), one column per normalized field (text, bigint, boolean,
    #   timestamptz; money as bigint minor units beside its currency and currency_exponent
    #   columns), raw (the provider's JSON, jsonb), seen_pass (the pass that wrote the row
    #   last) and synced_at;
    # - a table per nested kind, billtap_<kind>s (billtap_subscription_items,
    #   billtap_invoice_lines): (account, provider, parent_id, position) and the kind's
    #   fields, deleted with their parent;
    # - billtap_checkpoints: (account, provider, resource) => token, mode, pass, full.
    #
    #   sink = Billtap::Sync::Postgres.new(PG.connect(...))
    #   sink.install            # CREATE TABLE IF NOT EXISTS ...
    #   sink.with_lock(key) { Billtap::Sync.new(client, ..., sink: sink).run }
    class Postgres
      SQL_TYPES = { string: "text", int: "bigint", bool: "boolean", time: "timestamptz", money: "bigint" }.freeze

      # The DDL for every table, as one String (CREATE ... IF NOT EXISTS: safe to run again).
      def self.schema
        sql = +<<~SQL
          CREATE TABLE IF NOT EXISTS billtap_checkpoints (
            account text NOT NULL, provider text NOT NULL, resource text NOT NULL,
            token text, mode text NOT NULL CHECK (mode IN ('pass', 'sync', 'done')),
            pass bigint NOT NULL, "full" boolean NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (account, provider, resource));
        SQL
        Model.resources.each_key do |resource|
          kind = kind_of(resource)
          sql << "CREATE TABLE IF NOT EXISTS #{table(resource)} (\n  account text NOT NULL, provider text NOT NULL,\n"
          sql << columns_ddl(kind, skip: "id") << "  id text NOT NULL, raw jsonb, seen_pass bigint NOT NULL,\n"
          sql << "  synced_at timestamptz NOT NULL DEFAULT now(),\n  PRIMARY KEY (account, provider, id));\n"
          next unless kind.nested_value

          nested = Model.kinds.fetch(kind.nested_value)
          sql << "CREATE TABLE IF NOT EXISTS #{nested_table(nested)} (\n  account text NOT NULL, provider text NOT NULL,\n"
          sql << "  parent_id text NOT NULL, position integer NOT NULL,\n" << columns_ddl(nested)
          sql << "  PRIMARY KEY (account, provider, parent_id, position),\n"
          sql << "  FOREIGN KEY (account, provider, parent_id) REFERENCES #{table(resource)} ON DELETE CASCADE);\n"
        end
        sql.freeze
      end

      # The Model::Kind of a resource's records.
      def self.kind_of(resource)
        Model.kinds.fetch(Native.billtap_resource_kind(Model.resources.fetch(resource.to_sym)))
      end

      def self.table(resource)
        "billtap_#{resource}"
      end

      def self.nested_table(kind)
        "billtap_#{kind.name}s"
      end

      def self.columns_ddl(kind, skip: nil)
        kind.fields.reject { |f| f.name == skip }.map do |f|
          %(  "#{f.name}" #{SQL_TYPES.fetch(f.type, 'text')}#{' NOT NULL' unless f.nullable?},\n)
        end.join
      end
      private_class_method :columns_ddl

      attr_reader :connection

      def initialize(connection)
        @connection = connection
        @statements = {}
      end

      # Creates the tables that do not exist yet.
      def install
        @connection.exec(self.class.schema)
        self
      end

      # Runs the block holding the key's session advisory lock, so no two runs sync one
      # (account, provider, resource) at once; returns the block's value, or false (block
      # not run) when another session holds it. PostgreSQL drops the lock with the session,
      # so a killed worker's lock goes with its connection.
      def with_lock(key)
        id = self.class.lock_id(key)
        got = @connection.exec_params("SELECT pg_try_advisory_lock($1)", [id]).getvalue(0, 0) == "t"
        return false unless got

        begin
          yield
        ensure
          @connection.exec_params("SELECT pg_advisory_unlock($1)", [id]) unless @connection.finished?
        end
      end

      # The advisory lock's 64-bit id for a key.
      def self.lock_id(key)
        text = [key.account, key.provider, key.resource].join("\u0000")
        (Zlib.crc32(text) << 31) ^ Zlib.crc32(text.reverse) # fits a signed bigint
      end

      # Sink interface: the stored Checkpoint, or nil.
      def load(key)
        row = @connection.exec_params(
          'SELECT token, mode, pass, "full" FROM billtap_checkpoints WHERE account = $1 AND provider = $2 AND resource = $3',
          [key.account, key.provider, key.resource]
        ).first
        row && Checkpoint.new(token: row["token"], mode: row["mode"], pass: Integer(row["pass"]),
                              full: row["full"] == "t")
      end

      # Sink interface: the records and the checkpoint in one transaction.
      def commit(key, records, checkpoint)
        kind = self.class.kind_of(key.resource)
        @connection.transaction do |conn|
          records.each { |record| record.tombstone? ? delete(conn, key, record.id) : upsert(conn, key, kind, record, checkpoint.pass) }
          if checkpoint.sweep
            conn.exec_params("DELETE FROM #{self.class.table(key.resource)} WHERE account = $1 AND provider = $2 AND seen_pass <> $3",
                             [key.account, key.provider, checkpoint.pass])
          end
          conn.exec_params(<<~SQL, [key.account, key.provider, key.resource, checkpoint.token, checkpoint.mode, checkpoint.pass, checkpoint.full])
            INSERT INTO billtap_checkpoints (account, provider, resource, token, mode, pass, "full")
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (account, provider, resource) DO UPDATE
            SET token = EXCLUDED.token, mode = EXCLUDED.mode, pass = EXCLUDED.pass, "full" = EXCLUDED."full", updated_at = now()
          SQL
        end
      end

      private

      def delete(conn, key, id)
        conn.exec_params("DELETE FROM #{self.class.table(key.resource)} WHERE account = $1 AND provider = $2 AND id = $3",
                         [key.account, key.provider, id])
      end

      def upsert(conn, key, kind, record, pass)
        hash = record.to_h
        fields = kind.fields.map(&:name)
        table = self.class.table(key.resource)
        sql = @statements[[table, :upsert]] ||= begin
          cols = ["account", "provider", *fields, "raw", "seen_pass"].map { |c| %("#{c}") }
          marks = (1..cols.size).map { |i| "$#{i}" }
          updates = cols.drop(2).map { |c| "#{c} = EXCLUDED.#{c}" } << "synced_at = now()"
          "INSERT INTO #{table} (#{cols.join(', ')}) VALUES (#{marks.join(', ')}) " \
            "ON CONFLICT (account, provider, id) DO UPDATE SET #{updates.join(', ')}"
        end
        conn.exec_params(sql, [key.account, key.provider, *fields.map { |f| hash[f] }, record.raw_json, pass])
        return unless kind.nested_value

        nested = Model.kinds.fetch(kind.nested_value)
        ntable = self.class.nested_table(nested)
        conn.exec_params("DELETE FROM #{ntable} WHERE account = $1 AND provider = $2 AND parent_id = $3",
                         [key.account, key.provider, record.id])
        nfields = nested.fields.map(&:name)
        nsql = @statements[[ntable, :insert]] ||= begin
          cols = ["account", "provider", "parent_id", "position", *nfields].map { |c| %("#{c}") }
          "INSERT INTO #{ntable} (#{cols.join(', ')}) VALUES (#{(1..cols.size).map { |i| "$#{i}" }.join(', ')})"
        end
        Array(hash[kind.nested_member]).each_with_index do |item, position|
          conn.exec_params(nsql, [key.account, key.provider, record.id, position, *nfields.map { |f| item[f] }])
        end
      end
    end
  end
end
