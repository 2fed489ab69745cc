/// Reed–Solomon error correction codewords for one block, as QR codes compute them (ISO/IEC 18004 §7.5.2).
///
/// The generator polynomial of degree n is (x − α⁰)(x − α¹)…(x − αⁿ⁻¹), computed rather than copied from Annex A;
/// the codewords are the remainder of data(x)·xⁿ divided by it.
struct ReedSolomon: Sendable {
    /// The generator's coefficients without its leading 1, highest power first: n values for n codewords.
    let generator: [UInt8]

    /// An encoder that makes `count` error correction codewords per block.
    init(errorCorrectionCodewords count: Int) {
        precondition((1...68).contains(count), "QR codes use 2 to 68 error correction codewords a block")
        generator = Self.generatorPolynomial(degree: count)
    }

    /// The monic generator polynomial of `degree`, highest power first, its leading 1 dropped.
    static func generatorPolynomial(degree: Int) -> [UInt8] {
        // Coefficients lowest power first while multiplying: start from 1, multiply by (x + αⁱ) for each i.
        var product: [UInt8] = [1]
        for power in 0..<degree {
            let root = GF256.exponent[power]
            var next = [UInt8](repeating: 0, count: product.count + 1)
            for (index, coefficient) in product.enumerated() {
                next[index + 1] ^= coefficient
                next[index] ^= GF256.multiply(coefficient, root)
            }
            product = next
        }
        return Array(product.reversed().dropFirst())
    }

    /// The error correction codewords for `data`, the remainder of data(x)·xⁿ ÷ g(x).
    func codewords(for data: some Sequence<UInt8>) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in generator.indices {
                remainder[index] ^= GF256.multiply(generator[index], factor)
            }
        }
        return remainder
    }
}
