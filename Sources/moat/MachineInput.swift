import ArgumentParser
import Foundation
import Machine
import Platform

/// A 64-bit number on the command line: `0x`-prefixed hexadecimal or decimal, `_` allowed.
struct Number: ExpressibleByArgument {
    var value: UInt64

    init?(argument: String) {
        guard let v = Number.parse(argument) else { return nil }
        value = v
    }

    static func parse(_ text: String) -> UInt64? {
        let digits = text.filter { $0 != "_" }
        if digits.lowercased().hasPrefix("0x") { return UInt64(digits.dropFirst(2), radix: 16) }
        return UInt64(digits, radix: 10)
    }
}

/// A line of input split into words with their 1-based columns; `#` starts a comment.
struct InputLine {
    var number: Int
    var words: [(text: String, column: Int)]

    init(_ text: Substring, number: Int) {
        self.number = number
        words = []
        var current = ""
        var start = 0
        for (offset, character) in text.enumerated() {
            if character == "#" { break }
            if character == " " || character == "\t" || character == "\r" || character == "," {
                if !current.isEmpty { words.append((current, start + 1)) }
                current = ""
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { words.append((current, start + 1)) }
    }

    /// Every line of a text, numbered from 1.
    static func lines(of text: String) -> [InputLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { InputLine($1, number: $0 + 1) }
    }
}

/// Reads a text file, or throws a located diagnostic.
func readInput(_ path: String) throws(Diagnostic) -> String {
    let location = SourceLocation(file: path, line: 1, column: 1)
    guard let data = FileManager.default.contents(atPath: path) else {
        throw .error(location, "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw .error(location, "the file is not UTF-8 text")
    }
    return text
}

/// The text memory image of `moat ept translate`: one `ADDRESS: VALUE` per line, a
/// little-endian quadword at an 8-aligned host-physical address, both `0x` hexadecimal;
/// `#` starts a comment; memory not listed is zero.
enum MemoryImage {
    static func parse(_ text: String, file: String) throws(Diagnostic) -> PhysicalMemory {
        var memory = PhysicalMemory()
        var seen: [UInt64: Int] = [:]
        for line in InputLine.lines(of: text) where !line.words.isEmpty {
            func at(_ column: Int) -> SourceLocation { SourceLocation(file: file, line: line.number, column: column) }
            // Accept "ADDR: VALUE", "ADDR : VALUE" and "ADDR:VALUE".
            var words = line.words.flatMap { word -> [(text: String, column: Int)] in
                guard let colon = word.text.firstIndex(of: ":") else { return [word] }
                let before = String(word.text[..<colon])
                let after = String(word.text[word.text.index(after: colon)...])
                let colonColumn = word.column + before.count
                return [(before, word.column), (":", colonColumn), (after, colonColumn + 1)].filter { !$0.text.isEmpty }
            }
            guard words.count >= 1 else { continue }
            let addressWord = words.removeFirst()
            let address = try hex(addressWord, what: "address", at: at(addressWord.column))
            guard address < PhysicalMemory.limit else {
                throw .error(at(addressWord.column), "address \(addressWord.text) lies at or above 2^52, beyond any physical address")
            }
            guard address & 7 == 0 else {
                throw .error(at(addressWord.column), "address \(addressWord.text) is not 8-byte aligned; expected the address of a quadword (a multiple of 8)")
            }
            guard let colon = words.first, colon.text == ":" else {
                throw .error(at(words.first?.column ?? addressWord.column + addressWord.text.count), "expected ':' after the address, as in '0x1000: 0x2007'")
            }
            words.removeFirst()
            guard let valueWord = words.first else {
                throw .error(at(colon.column + 1), "expected a quadword value after ':'")
            }
            let value = try hex(valueWord, what: "value", at: at(valueWord.column))
            if words.count > 1 {
                throw .error(at(words[1].column), "unexpected '\(words[1].text)' after the value; expected one 'ADDRESS: VALUE' per line")
            }
            if let earlier = seen[address] {
                throw .error(at(addressWord.column), "address \(addressWord.text) is already given on line \(earlier)")
            }
            seen[address] = line.number
            memory.write64(value, at: address)
        }
        return memory
    }

    private static func hex(_ word: (text: String, column: Int), what: String, at location: SourceLocation) throws(Diagnostic) -> UInt64 {
        let text = word.text
        guard text.lowercased().hasPrefix("0x") else {
            throw .error(location, "expected a hexadecimal \(what) such as 0x1000, found '\(text)'")
        }
        let digits = text.dropFirst(2).filter { $0 != "_" }
        guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else {
            throw .error(location, "'\(text)' is not a hexadecimal number; expected 0x followed by hexadecimal digits")
        }
        let significant = digits.drop { $0 == "0" }
        guard significant.count <= 16, let value = UInt64(digits, radix: 16) ?? (significant.isEmpty ? 0 : nil) else {
            throw .error(location, "\(what) \(text) is wider than 64 bits")
        }
        return value
    }
}
