import BoxOffice
import BoxOfficeStore
import TestDatabases
import Testing

@Suite("Accounts on each store", .timeLimit(.minutes(1)))
struct AccountServiceTests {
    @Test("register, log in; a wrong password and a taken address are refused", arguments: StoreKind.available)
    func registerAndLogIn(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.accounts.register(RegisterInput(name: "Kim", email: "Kim@Example.com", password: "password-123"))
            #expect(kim.role == .user && kim.createdAt == box.clock.now)
            #expect(try await box.accounts.login(LoginInput(email: "kim@example.com", password: "password-123")).id == kim.id)
            let wrong = await #expect(throws: BoxOfficeError.self) {
                try await box.accounts.login(LoginInput(email: "kim@example.com", password: "password-124"))
            }
            #expect(wrong?.code == "invalid_credentials")
            let taken = await #expect(throws: BoxOfficeError.self) {
                try await box.accounts.register(RegisterInput(name: "Kim again", email: "kim@EXAMPLE.com", password: "password-123"))
            }
            #expect(taken?.code == "email_taken")
        }
    }
}
