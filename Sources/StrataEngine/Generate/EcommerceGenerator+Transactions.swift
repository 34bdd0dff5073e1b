import StrataCore

extension EcommerceGenerator {
    /// `transactions.csv`: orders over the generated days, roughly in time order, with a Luhn-valid
    /// card number (PII) for card payments, exact duplicate rows and a few malformed rows.
    func writeTransactions(dir: String, users: GeneratedUsers, products: GeneratedProducts,
                           progress: ((String, Int) -> Void)?) throws -> GeneratedFile {
        let name = "transactions.csv"
        let out = try GeneratorOutput(path: dir + "/" + name)
        var rng = GeneratorRandom(seed: options.seed, stream: 3)
        let n = options.transactions
        let bad = EcommerceGenerator.badPositions(badCount(rows: n), of: n, &rng)
        var nextBad = 0
        var badLines: [Int] = []
        let V = EcommerceVocabulary.self
        let currencies = V.countries.map { Array($0.currency.utf8) }
        let statuses = V.statuses.map { Array($0.utf8) }
        let statusWeights = cumulative(V.statusWeights)
        let payments = V.paymentMethods.map { Array($0.utf8) }
        let paymentWeights = cumulative(V.paymentWeights)
        let quantityWeights = cumulative([700, 180, 70, 20, 12, 8, 4, 3, 2, 1])
        let startMicros = Int64(startDay) * Temporal.microsPerDay
        let span = Int64(options.clickstreamDays) * Temporal.microsPerDay
        let userCount = users.country.count
        let productCount = products.priceCents.count
        var pending: [(due: Int, line: [UInt8])] = []
        var duplicates = 0
        var card = [UInt8](repeating: 0, count: 16)

        try out.reserve(256)
        out.raw("transaction_id,user_id,product_id,quantity,unit_price,amount,currency,status,payment_method,card_number,created_at")
        out.newline()
        for i in 0..<n {
            try out.reserve(1024)
            let lineStart = out.count
            let user = rng.chance(0.7) ? rng.skewed(userCount) : rng.below(userCount)
            let product = rng.chance(0.6) ? rng.skewed(productCount) : rng.below(productCount)
            let quantity = rng.weighted(quantityWeights) + 1
            let price = products.priceCents[product]
            var amount = quantity * price
            if rng.chance(0.1) { amount = (amount * (rng.chance(0.5) ? 90 : 85) + 50) / 100 }
            let status = rng.weighted(statusWeights)
            let payment = rng.chance(0.003) ? -1 : rng.weighted(paymentWeights)
            let secondCard = rng.chance(0.15)
            let created = startMicros + EcommerceGenerator.fraction(span, i, n) + Int64(rng.below(60_000_000))

            out.uint(UInt64(i + 1))
            out.comma()
            out.uint(UInt64(user + 1))
            out.comma()
            out.uint(UInt64(product + 1))
            out.comma()
            out.uint(UInt64(quantity))
            out.comma()
            out.cents(price)
            out.comma()
            out.cents(amount)
            out.comma()
            out.raw(currencies[Int(users.country[user])])
            out.comma()
            out.raw(statuses[status])
            out.comma()
            if payment >= 0 { out.raw(payments[payment]) }
            out.comma()
            if payment == 0 {
                EcommerceGenerator.cardNumber(seed: options.seed, user: user, second: secondCard, into: &card)
                card.withUnsafeBufferPointer { out.raw($0.baseAddress!, 16) }
            }
            out.comma()
            out.timestamp(min(created, startMicros + span - 1), millis: false)
            let isBad = nextBad < bad.count && bad[nextBad] == i
            let isDuplicated = options.duplicateRate > 0 && rng.chance(options.duplicateRate)
            let line = isBad || isDuplicated ? out.copy(from: lineStart) : []
            out.newline()
            if isBad {
                out.raw(EcommerceGenerator.damage(line, variant: nextBad, numericField: 3, dateField: 10))
                badLines.append(out.lines + 1)
                out.newline()
                nextBad += 1
            }
            if isDuplicated { pending.append((i + 1 + rng.below(50), line)) }
            while let first = pending.first, first.due <= i {
                try out.reserve(first.line.count + 1)
                out.raw(first.line)
                out.newline()
                duplicates += 1
                pending.removeFirst()
            }
            if (i + 1) % 1_000_000 == 0 { progress?(name, out.lines - 1) }
        }
        for p in pending {
            try out.reserve(p.line.count + 1)
            out.raw(p.line)
            out.newline()
            duplicates += 1
        }
        try out.finish()
        let rows = out.lines - 1
        progress?(name, rows)
        return GeneratedFile(path: name, rows: rows, badRows: badLines.count, badLines: badLines, duplicateRows: duplicates, bytes: out.bytes)
    }

    /// A 16-digit Luhn-valid card number (Visa, Mastercard or Discover prefix), fixed per user
    /// and card slot, as ASCII digits into `digits`.
    static func cardNumber(seed: UInt64, user: Int, second: Bool, into digits: inout [UInt8]) {
        var st = seed ^ (UInt64(user) &* 0x9E37_79B9_7F4A_7C15) ^ (second ? 0x5555_5555 : 0)
        var bits = GeneratorRandom.splitMix(&st)
        let kind = bits % 10
        bits /= 10
        var d = [Int](repeating: 0, count: 16)
        var k: Int
        if kind < 6 {
            d[0] = 4
            k = 1
        } else if kind < 9 {
            d[0] = 5
            d[1] = 1 + Int(bits % 5)
            bits /= 5
            k = 2
        } else {
            (d[0], d[1], d[2], d[3]) = (6, 0, 1, 1)
            k = 4
        }
        while k < 15 {
            if bits < 10 { bits = GeneratorRandom.splitMix(&st) }
            d[k] = Int(bits % 10)
            bits /= 10
            k += 1
        }
        // Luhn: double every second digit from the right, starting next to the check digit.
        var sum = 0
        for j in 0..<15 {
            var x = d[14 - j]
            if j % 2 == 0 {
                x *= 2
                if x > 9 { x -= 9 }
            }
            sum += x
        }
        d[15] = (10 - sum % 10) % 10
        for j in 0..<16 { digits[j] = UInt8(48 + d[j]) }
    }
}
