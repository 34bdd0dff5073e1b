/// The projects `strata init` writes: files by path relative to the project folder.
public enum ProjectTemplate: String, CaseIterable, Sendable {
    /// One CSV through bronze, silver and gold, with a masked e-mail column, two roles and a policy test.
    case minimal
    /// The demo e-commerce lake of this repository (its pipelines.yaml and policies), with its
    /// landing data generated.
    case ecommerce

    /// The files, path → text (landing data of `ecommerce` comes from the generator).
    public var files: [(path: String, text: String)] {
        switch self {
        case .minimal: return Self.minimalFiles + Self.commonFiles(self)
        case .ecommerce: return Self.ecommerceFiles + Self.commonFiles(self)
        }
    }

    static func commonFiles(_ t: ProjectTemplate) -> [(path: String, text: String)] {
        [(".gitignore", gitignore), ("README.md", readme(t))]
    }

    static let gitignore = """
        # What strata writes: the lake's tables, audit log, keys and state, and run outputs.
        /datalake/bronze/
        /datalake/silver/
        /datalake/gold/
        /datalake/quarantine/
        /datalake/_audit/
        /datalake/_state/
        /datalake/_keys/
        /datalake/_tmp/
        /lineage/events/
        /lineage/outbox/
        /lineage/exports/
        /docs/site/

        """

    static func readme(_ t: ProjectTemplate) -> String {
        """
        # A Strata project

        Made by `strata init --example \(t.rawValue)`. `pipelines.yaml` declares the pipelines
        (bronze: as delivered, silver: cleaned, gold: aggregates), `policies/` says which columns
        hold personal data, how each layer stores them and which role sees what.

        ```sh
        strata validate                 # check the config (no data read)
        strata run                      # run every pipeline, governed
        strata tables                   # what the lake holds
        strata show \(t == .minimal ? "gold.customers_by_country" : "gold.daily_revenue")
        strata policy audit             # who sees which column, and how
        strata policy test              # the policies' own tests
        strata docs generate            # a browsable site of tables, columns, roles and lineage
        ```

        Keep `datalake/_keys/` safe and out of version control (`.gitignore` does): it holds the
        keys that masked values are made with.

        """
    }

    static let minimalFiles: [(path: String, text: String)] = [
        ("pipelines.yaml", """
        # A minimal Strata project: one CSV through bronze, silver and gold. See README.md.
        version: 1
        lake: datalake
        policies: policies

        pipelines:
          bronze_customers:
            description: Customers as delivered by the CRM export.
            source:
              type: csv
              path: landing/customers*.csv
              schema:
                customer_id: int64 not null
                email: string
                full_name: string
                country: string
                signup_date: date
                lifetime_value: decimal(10,2)
            sink:
              type: table
              table: bronze.customers

          silver_customers:
            description: One row per customer, e-mail addresses normalised.
            source: {type: table, table: bronze.customers}
            transforms:
              - type: derive
                columns:
                  email: lower(trim(email))
              - type: dedupe
                keys: [customer_id]
              - type: select
                columns: [customer_id, email, full_name, country, signup_date, lifetime_value]
            sink:
              type: table
              table: silver.customers
              mode: merge
              keys: [customer_id]

          gold_customers_by_country:
            description: Customers and their lifetime value per country.
            source: {type: table, table: silver.customers, incremental: false}
            transforms:
              - type: aggregate
                group_by: [country]
                aggregates:
                  customers: count(*)
                  lifetime_value: sum(lifetime_value)
            sink:
              type: table
              table: gold.customers_by_country
              mode: overwrite

        """),
        ("policies/classification.yaml", """
        # What the columns hold. Tags follow a column through every expression, join and aggregate.
        version: 1
        classification:
          - tables: "*"
            columns:
              email: pii.email
              full_name: pii.name
              lifetime_value: sensitive.financial

        """),
        ("policies/masking.yaml", """
        # How each layer stores tagged columns: bronze as delivered, silver and gold masked.
        version: 1
        masking:
          pii.email: hash       # HMAC-SHA-256: deterministic, so hashed e-mails still join and count
          pii.name: redact      # Ana Silva -> Xxx Xxxxx
        layers:
          bronze:
            store_raw: ["*"]
          quarantine:
            store_raw: ["*"]
          silver:
            store_raw: [sensitive.*]
          gold:
            store_raw: [sensitive.*]

        """),
        ("policies/roles.yaml", """
        # Who reads what. `strata access explain TABLE --as ROLE` says why.
        version: 1
        roles:
          engineer:
            description: Builds the pipelines; reads every layer in clear.
            grants:
              - tables: "*"
                columns:
                  "*": clear
          analyst:
            description: Reads silver and gold; personal data masked.
            deny: [bronze.*, quarantine.*]
            grants:
              - tables: [silver.*, gold.*]
                columns:
                  sensitive.*: clear
                  pii.*: masked

        """),
        ("policies/tests.yaml", """
        # `strata policy test` checks these: the policies say what you think they say.
        version: 1
        tests:
          - name: analysts see e-mail addresses only hashed
            role: analyst
            column: silver.customers.email
            expect: hash
          - name: analysts see lifetime value in clear
            role: analyst
            column: gold.customers_by_country.lifetime_value
            expect: clear
          - name: analysts may not read bronze
            role: analyst
            table: bronze.*
            expect: denied

        """),
        ("landing/customers.csv", """
        customer_id,email,full_name,country,signup_date,lifetime_value
        1,Ana.Silva@example.com,Ana Silva,PT,2024-01-05,120.50
        2,ben.okafor@example.com,Ben Okafor,NG,2024-02-11,80.00
        3,chloe.martin@example.com,Chloé Martin,FR,2024-02-29,310.25
        4,dev.patel@example.com,Dev Patel,IN,2024-03-17,45.10
        5,emma.jones@example.com,Emma Jones,GB,2024-04-02,0.00
        2,ben.okafor@example.com,Ben Okafor,NG,2024-02-11,80.00
        6,fatima.zahra@example.com,Fatima Zahra,MA,2024-05-20,199.99
        7,GUI.COSTA@example.com ,Gui Costa,PT,2024-06-12,64.00
        8,hugo.bernard@example.com,Hugo Bernard,FR,2024-07-01,150.00
        9,isla.brown@example.com,Isla Brown,GB,2024-07-19,22.75
        x7,not-an-id@example.com,Bad Row,PT,2024-06-01,10.00

        """),
    ]
}
