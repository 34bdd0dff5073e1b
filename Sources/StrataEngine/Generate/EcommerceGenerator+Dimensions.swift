import StrataCore

/// What later files need to know about the users and products written.
struct GeneratedUsers {
    /// Index into `EcommerceVocabulary.countries` per user (user_id - 1).
    var country: [UInt8]
}

struct GeneratedProducts {
    var priceCents: [Int]
    var category: [UInt8]
}

extension EcommerceGenerator {
    /// `users.csv`: one row per user with PII columns (email, name, phone, birth date, IP).
    func writeUsers(dir: String, progress: ((String, Int) -> Void)?) throws -> (file: GeneratedFile, table: GeneratedUsers) {
        let name = "users.csv"
        let out = try GeneratorOutput(path: dir + "/" + name)
        var rng = GeneratorRandom(seed: options.seed, stream: 1)
        let n = options.users
        let bad = EcommerceGenerator.badPositions(badCount(rows: n), of: n, &rng)
        var nextBad = 0
        var badLines: [Int] = []
        let V = EcommerceVocabulary.self
        let firsts = V.firstNames.map { (EcommerceGenerator.csv($0.0), Array($0.1.utf8)) }
        let lasts = V.lastNames.map { (EcommerceGenerator.csv($0.0), Array($0.1.utf8)) }
        let domains = V.emailDomains.map { Array($0.utf8) }
        let countryWeights = cumulative(V.countries.map(\.weight))
        let countryCodes = V.countries.map { Array($0.code.utf8) }
        let dials = V.countries.map { Array($0.dialCode.utf8) }
        let cities = V.countries.map { $0.cities.map(EcommerceGenerator.csv) }
        let firstBirthDay = Temporal.days(year: 1950, month: 1, day: 1)
        let birthSpan = Temporal.days(year: 2006, month: 12, day: 31) - firstBirthDay
        var countries = [UInt8](repeating: 0, count: n)

        try out.reserve(256)
        out.raw("user_id,email,full_name,phone,country,city,signup_date,birth_date,ip_address,marketing_opt_in")
        out.newline()
        for i in 0..<n {
            try out.reserve(1024)
            let lineStart = out.count
            let id = i + 1
            let c = rng.weighted(countryWeights)
            countries[i] = UInt8(c)
            let f = rng.below(firsts.count), l = rng.below(lasts.count)
            out.uint(UInt64(id))
            out.comma()
            out.raw(firsts[f].1)
            out.byte(UInt8(ascii: "."))
            out.raw(lasts[l].1)
            out.uint(UInt64(id))
            out.byte(UInt8(ascii: "@"))
            out.raw(domains[rng.below(domains.count)])
            out.comma()
            if lasts[l].0.first == 0x22 || firsts[f].0.first == 0x22 {
                out.raw(EcommerceGenerator.csv(V.firstNames[f].0 + " " + V.lastNames[l].0))
            } else {
                out.raw(firsts[f].0)
                out.byte(0x20)
                out.raw(lasts[l].0)
            }
            out.comma()
            if !rng.chance(0.03) {
                out.byte(UInt8(ascii: "+"))
                out.raw(dials[c])
                out.byte(0x20)
                out.padded(rng.int(200...999), 3)
                out.byte(0x20)
                out.padded(rng.below(1000), 3)
                out.byte(0x20)
                out.padded(rng.below(10000), 4)
            }
            out.comma()
            out.raw(countryCodes[c])
            out.comma()
            if !rng.chance(0.01) { out.raw(cities[c][rng.below(cities[c].count)]) }
            out.comma()
            out.date(startDay - 1 - rng.below(3 * 365))
            out.comma()
            if !rng.chance(0.05) { out.date(firstBirthDay + rng.below(birthSpan)) }
            out.comma()
            if rng.chance(0.07) {
                out.raw("2a02:")
                for g in 0..<7 {
                    if g > 0 { out.byte(UInt8(ascii: ":")) }
                    out.hex(rng.next(), 4)
                }
            } else {
                var a = rng.int(1...223)
                if a == 10 || a == 127 { a += 1 }
                out.uint(UInt64(a))
                out.byte(UInt8(ascii: "."))
                out.uint(UInt64(rng.below(256)))
                out.byte(UInt8(ascii: "."))
                out.uint(UInt64(rng.below(256)))
                out.byte(UInt8(ascii: "."))
                out.uint(UInt64(rng.int(1...254)))
            }
            out.comma()
            if rng.chance(0.4) { out.raw("true") } else { out.raw("false") }
            if nextBad < bad.count, bad[nextBad] == i {
                let line = out.copy(from: lineStart)
                out.newline()
                out.raw(EcommerceGenerator.damage(line, variant: nextBad + 3, numericField: 0, dateField: 6))
                badLines.append(out.lines + 1)
                nextBad += 1
            }
            out.newline()
        }
        try out.finish()
        let rows = out.lines - 1
        progress?(name, rows)
        let file = GeneratedFile(path: name, rows: rows, badRows: badLines.count, badLines: badLines, duplicateRows: 0, bytes: out.bytes)
        return (file, GeneratedUsers(country: countries))
    }

    /// `products.csv`: a catalog over about twelve categories; some names need CSV quoting or are non-ASCII.
    func writeProducts(dir: String, progress: ((String, Int) -> Void)?) throws -> (file: GeneratedFile, table: GeneratedProducts) {
        let name = "products.csv"
        let out = try GeneratorOutput(path: dir + "/" + name)
        var rng = GeneratorRandom(seed: options.seed, stream: 2)
        let n = options.products
        let bad = EcommerceGenerator.badPositions(badCount(rows: n), of: n, &rng)
        var nextBad = 0
        var badLines: [Int] = []
        let V = EcommerceVocabulary.self
        var prices = [Int](repeating: 0, count: n)
        var categories = [UInt8](repeating: 0, count: n)
        let endings = [99, 99, 49, 0, 95]

        try out.reserve(256)
        out.raw("product_id,sku,name,category,brand,unit_price,active")
        out.newline()
        for i in 0..<n {
            try out.reserve(1024)
            let lineStart = out.count
            let id = i + 1
            let ci = rng.below(V.categories.count)
            let cat = V.categories[ci]
            categories[i] = UInt8(ci)
            let product = V.adjectives[rng.below(V.adjectives.count)] + " " + cat.nouns[rng.below(cat.nouns.count)]
                + V.suffixes[rng.below(V.suffixes.count)]
            // Prices skewed toward the cheap end of the category's range (cubed uniform; no libm,
            // so every platform generates the same bytes), ending in .99, .49, .95 or .00.
            let u = rng.unit()
            let dollars = (cat.minCents + Int(u * u * u * Double(cat.maxCents - cat.minCents))) / 100
            let price = max(cat.minCents, dollars * 100 + endings[rng.below(endings.count)])
            prices[i] = price
            out.uint(UInt64(id))
            out.raw(",SKU-")
            out.raw(Array(cat.code.utf8))
            out.byte(UInt8(ascii: "-"))
            out.padded(id % 1_000_000, 6)
            out.comma()
            out.raw(EcommerceGenerator.csv(product))
            out.comma()
            out.raw(EcommerceGenerator.csv(cat.name))
            out.comma()
            out.raw(EcommerceGenerator.csv(cat.brands[rng.below(cat.brands.count)]))
            out.comma()
            out.cents(price)
            out.comma()
            if rng.chance(0.92) { out.raw("true") } else { out.raw("false") }
            if nextBad < bad.count, bad[nextBad] == i {
                let line = out.copy(from: lineStart)
                out.newline()
                out.raw(EcommerceGenerator.damage(line, variant: nextBad + 1, numericField: 5, dateField: nil))
                badLines.append(out.lines + 1)
                nextBad += 1
            }
            out.newline()
        }
        try out.finish()
        let rows = out.lines - 1
        progress?(name, rows)
        let file = GeneratedFile(path: name, rows: rows, badRows: badLines.count, badLines: badLines, duplicateRows: 0, bytes: out.bytes)
        return (file, GeneratedProducts(priceCents: prices, category: categories))
    }
}
