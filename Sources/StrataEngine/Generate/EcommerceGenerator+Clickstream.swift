import StrataCore

extension EcommerceGenerator {
    /// `clickstream/events-YYYY-MM-DD.jsonl`, one file per day: sessions that browse, add to cart,
    /// check out and purchase, with nested `page` and `device` objects. The last day adds
    /// `device.browser` and a top-level `utm_campaign` (a schema change to evolve through).
    func writeClickstream(dir: String, users: GeneratedUsers, products: GeneratedProducts,
                          progress: ((String, Int) -> Void)?) throws -> [GeneratedFile] {
        var files: [GeneratedFile] = []
        let days = options.clickstreamDays
        for day in 0..<days {
            let target = options.clickEvents * (day + 1) / days - options.clickEvents * day / days
            files.append(try writeClickstreamDay(dir: dir, day: day, events: target, evolved: day == days - 1,
                                                 users: users, products: products, progress: progress))
        }
        return files
    }

    private func writeClickstreamDay(dir: String, day: Int, events target: Int, evolved: Bool, users: GeneratedUsers,
                                     products: GeneratedProducts, progress: ((String, Int) -> Void)?) throws -> GeneratedFile {
        let dayNumber = startDay + day
        let name = "clickstream/events-\(Temporal.formatDate(days: Int32(dayNumber))).jsonl"
        let out = try GeneratorOutput(path: dir + "/" + name)
        var rng = GeneratorRandom(seed: options.seed, stream: 100 + UInt64(day))
        let bad = EcommerceGenerator.badPositions(badCount(rows: target), of: target, &rng)
        var nextBad = 0
        var badLines: [Int] = []
        let V = EcommerceVocabulary.self
        let deviceWeights = cumulative(V.deviceWeights)
        let deviceTypes = V.deviceTypes.map { Array($0.utf8) }
        let deviceOS = V.deviceOS.map { $0.map { Array($0.utf8) } }
        let browsers = V.browsers.map { Array($0.utf8) }
        let referrers = V.externalReferrers.map { Array($0.utf8) }
        let campaigns = V.utmCampaigns.map { Array($0.utf8) }
        let slugs = V.categories.map { Array($0.slug.utf8) }
        let dayStart = Int64(dayNumber) * Temporal.microsPerDay
        let dayEnd = dayStart + Temporal.microsPerDay - 1
        let userCount = users.country.count
        let productCount = products.priceCents.count
        var written = 0

        enum Page { case external(Int), home, category(Int), product(Int), cart, checkout, complete }

        func url(_ p: Page) {
            switch p {
            case .external(let r): out.raw(referrers[r])
            case .home: out.raw("https://shop.example.com/")
            case .category(let c):
                out.raw("https://shop.example.com/c/")
                out.raw(slugs[c])
            case .product(let id):
                out.raw("https://shop.example.com/p/")
                out.uint(UInt64(id))
            case .cart: out.raw("https://shop.example.com/cart")
            case .checkout: out.raw("https://shop.example.com/checkout")
            case .complete: out.raw("https://shop.example.com/checkout/complete")
            }
        }

        while written < target {
            // One session.
            let sessionId = rng.next()
            let user: Int? = rng.chance(0.25) ? nil : rng.skewed(userCount) + 1
            let device = rng.weighted(deviceWeights)
            let os = rng.below(deviceOS[device].count)
            let browser = rng.below(browsers.count)
            let campaign: Int? = rng.chance(0.3) ? rng.below(campaigns.count) : nil
            var previous: Page? = rng.chance(0.45) ? .external(rng.below(referrers.count)) : nil
            var t = dayStart + EcommerceGenerator.fraction(Temporal.microsPerDay, written, target) + Int64(rng.below(300_000_000))

            func emit(_ type: StaticString, product: Int?, page: Page) throws {
                guard written < target else { return }
                try out.reserve(2048)
                let lineStart = out.count
                out.raw("{\"event_id\":\"evt_")
                out.hex(rng.next(), 16)
                out.raw("\",\"session_id\":\"sess_")
                out.hex(sessionId, 12)
                out.raw("\",\"user_id\":")
                if let user { out.uint(UInt64(user)) } else { out.raw("null") }
                out.raw(",\"event_type\":\"")
                out.raw(type)
                out.raw("\",\"product_id\":")
                if let product { out.uint(UInt64(product)) } else { out.raw("null") }
                out.raw(",\"ts\":\"")
                out.timestamp(min(t, dayEnd), millis: true)
                out.raw("\",\"page\":{\"url\":\"")
                url(page)
                out.raw("\",\"referrer\":")
                if let previous {
                    out.byte(0x22)
                    url(previous)
                    out.byte(0x22)
                } else {
                    out.raw("null")
                }
                out.raw("},\"device\":{\"type\":\"")
                out.raw(deviceTypes[device])
                out.raw("\",\"os\":\"")
                out.raw(deviceOS[device][os])
                if evolved {
                    out.raw("\",\"browser\":\"")
                    out.raw(browsers[browser])
                    out.raw("\"},\"utm_campaign\":")
                    if let campaign {
                        out.byte(0x22)
                        out.raw(campaigns[campaign])
                        out.byte(0x22)
                    } else {
                        out.raw("null")
                    }
                    out.raw("}")
                } else {
                    out.raw("\"}}")
                }
                let isBad = nextBad < bad.count && bad[nextBad] == written
                let line = isBad ? out.copy(from: lineStart) : []
                out.newline()
                if isBad {
                    switch (nextBad + day) % 3 {
                    case 0: out.raw(Array(line[0..<(line.count / 2)]))
                    case 1: out.raw(Array(line.dropLast()))
                    default: out.raw("<html><body>502 Bad Gateway</body></html>")
                    }
                    badLines.append(out.lines + 1)
                    out.newline()
                    nextBad += 1
                }
                written += 1
                previous = page
                t += Int64(rng.int(2...90)) * 1_000_000 + Int64(rng.below(1000)) * 1000
            }

            let entry: Page = rng.chance(0.5) ? .home : .category(rng.below(slugs.count))
            try emit("page_view", product: nil, page: entry)
            var cart: [Int] = []
            for _ in 0..<(1 + rng.below(5)) {
                let p = (rng.chance(0.6) ? rng.skewed(productCount) : rng.below(productCount)) + 1
                try emit("page_view", product: p, page: .product(p))
                if rng.chance(0.12) {
                    try emit("add_to_cart", product: p, page: .product(p))
                    cart.append(p)
                }
            }
            if let last = cart.last, rng.chance(0.12) {
                try emit("remove_from_cart", product: last, page: .cart)
                cart.removeLast()
            }
            if !cart.isEmpty, rng.chance(0.6) {
                try emit("checkout", product: nil, page: .checkout)
                if rng.chance(0.75) {
                    for p in cart { try emit("purchase", product: p, page: .complete) }
                }
            }
        }
        try out.finish()
        progress?(name, out.lines)
        return GeneratedFile(path: name, rows: out.lines, badRows: badLines.count, badLines: badLines, duplicateRows: 0, bytes: out.bytes)
    }
}
