/// A small, fast, seedable PRNG (xoshiro256** seeded through SplitMix64) for the data generators.
///
/// Same seed → same sequence on every platform and run: generated files are byte-identical.
/// Not for anything security-related.
struct GeneratorRandom {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// One SplitMix64 step: a well-mixed 64-bit value of `state`, advancing it.
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for `seed`; `stream` picks an independent sequence (one per file).
    init(seed: UInt64, stream: UInt64 = 0) {
        var st = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        s0 = GeneratorRandom.splitMix(&st)
        s1 = GeneratorRandom.splitMix(&st)
        s2 = GeneratorRandom.splitMix(&st)
        s3 = GeneratorRandom.splitMix(&st)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in `0..<n` (multiply-shift; the bias is far below anything a demo can see).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in `range`.
    @inline(__always)
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// An index into `cumulative` (ascending cumulative weights ending at the total).
    @inline(__always)
    mutating func weighted(_ cumulative: [Int]) -> Int {
        let r = below(cumulative[cumulative.count - 1])
        var i = 0
        while cumulative[i] <= r { i += 1 }
        return i
    }

    /// Skewed toward small indices in `0..<n` (squared uniform: index 0 is the most popular).
    @inline(__always)
    mutating func skewed(_ n: Int) -> Int {
        let u = unit()
        return min(n - 1, Int(u * u * Double(n)))
    }
}

/// Ascending cumulative sums of `weights`.
func cumulative(_ weights: [Int]) -> [Int] {
    var acc = 0
    return weights.map { acc += $0; return acc }
}
