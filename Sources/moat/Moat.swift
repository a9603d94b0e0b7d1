@main
struct Moat {
    static func main() {}
}
