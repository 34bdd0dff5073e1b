#if MySQL
import CMariaDB
import Foundation
import StrataConfig
import StrataCore
@testable import StrataPlugins
import Testing

/// The `mysql` source without a server: the dsn forms, config checks and the type mapping.
/// (Reading from a real server: `MySQLEndToEndTests`.)
@Suite struct MySQLSourceTests {
    @Test func bothDsnFormsNameTheServerAndTheLineageDataset() throws {
        let kv = try source("type: mysql\ndsn: host=db.internal port=3307 dbname=shop user=etl\ntable: orders\n") as! MySQLSource
        #expect(kv.endpoint.host == "db.internal" && kv.endpoint.port == 3307 && kv.endpoint.user == "etl")
        #expect(kv.lineageDataset?.namespace == "mysql://db.internal:3307" && kv.lineageDataset?.name == "shop.orders")
        let uri = try source("type: mysql\ndsn: mariadb://etl@db:3308/shop\ntable: other.orders\n") as! MySQLSource
        #expect(uri.endpoint.port == 3308 && uri.endpoint.dbname == "shop" && uri.lineageDataset?.name == "other.orders")
        let socket = try source("type: mysql\ndsn: socket=/run/mysqld/mysqld.sock dbname=shop\nquery: SELECT 1\n") as! MySQLSource
        #expect(socket.endpoint.socket == "/run/mysqld/mysqld.sock" && socket.lineageDataset?.name.hasPrefix("shop.query_") == true)
    }

    @Test func passwordsBadKeysAndMissingDatabasesAreRefused() {
        for dsn in ["host=db dbname=shop password=s3cr3t-value", "mysql://etl:s3cr3t-value@db/shop", "'host=db password=s3cr3t value dbname=x'"] {
            let e = #expect(throws: StrataError.self) { try source("type: mysql\ndsn: \(dsn)\ntable: t\n") }
            #expect(e?.description.contains("the dsn holds a password") == true && e?.description.contains("s3cr3t-value") == false)
        }
        let typo = #expect(throws: StrataError.self) { try source("type: mysql\ndsn: host=db databse=shop\ntable: t\n") }
        #expect(typo?.description.contains("unknown key 'databse'") == true)
        let port = #expect(throws: StrataError.self) { try source("type: mysql\ndsn: host=db port=x dbname=s\ntable: t\n") }
        #expect(port?.description.contains("the port is not a number") == true)
        let range = #expect(throws: StrataError.self) { try source("type: mysql\ndsn: host=db port=99999999999 dbname=s\ntable: t\n") }
        #expect(range?.description.contains("from 1 to 65535") == true)
        let nodb = #expect(throws: StrataError.self) { try source("type: mysql\ndsn: host=db\ntable: t\n") }
        #expect(nodb?.description.contains("no database to read from") == true)
    }

    @Test func typesMapFromTheFieldDescriptions() {
        func map(_ t: enum_field_types, length: Int = 0, decimals: Int = 0, unsigned: Bool = false, binary: Bool = false) -> DataType? {
            try? MySQLSource.map(("c", t, length, decimals, unsigned, binary)).get()
        }
        #expect(map(MYSQL_TYPE_LONGLONG) == .int64 && map(MYSQL_TYPE_YEAR) == .int64 && map(MYSQL_TYPE_DOUBLE) == .double)
        #expect(map(MYSQL_TYPE_NEWDECIMAL, length: 14, decimals: 2) == .decimal(precision: 12, scale: 2))
        #expect(map(MYSQL_TYPE_NEWDECIMAL, length: 6, decimals: 1, unsigned: true) == .decimal(precision: 5, scale: 1))
        #expect(map(MYSQL_TYPE_NEWDECIMAL, length: 11, decimals: 0) == .decimal(precision: 10, scale: 0))
        #expect(map(MYSQL_TYPE_NEWDECIMAL, length: 32, decimals: 2) == nil, "DECIMAL(30,2) is wider than 18 digits")
        #expect(map(MYSQL_TYPE_TIMESTAMP) == .timestamp && map(MYSQL_TYPE_DATE) == .date)
        #expect(map(MYSQL_TYPE_VAR_STRING) == .string && map(MYSQL_TYPE_BLOB) == .string && map(MYSQL_TYPE_BLOB, binary: true) == .binary)
        #expect(map(MYSQL_TYPE_BIT) == nil && map(MYSQL_TYPE_GEOMETRY) == nil)
    }
}
#endif
