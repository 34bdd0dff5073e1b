/// Word lists for the e-commerce generator. Changing any list changes the generated files
/// (and the committed demo landing zone), so edit with care.
enum EcommerceVocabulary {
    /// (display form, ASCII form for e-mail addresses).
    static let firstNames: [(String, String)] = [
        ("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Patricia", "patricia"), ("John", "john"),
        ("Jennifer", "jennifer"), ("Michael", "michael"), ("Linda", "linda"), ("David", "david"), ("Elizabeth", "elizabeth"),
        ("William", "william"), ("Barbara", "barbara"), ("Richard", "richard"), ("Susan", "susan"), ("Joseph", "joseph"),
        ("Jessica", "jessica"), ("Thomas", "thomas"), ("Sarah", "sarah"), ("Carlos", "carlos"), ("Karen", "karen"),
        ("José", "jose"), ("María", "maria"), ("Zoë", "zoe"), ("Chloé", "chloe"), ("Jürgen", "juergen"),
        ("Søren", "soren"), ("Ana", "ana"), ("Luca", "luca"), ("Giulia", "giulia"), ("Hiroshi", "hiroshi"),
        ("Yuki", "yuki"), ("Priya", "priya"), ("Arjun", "arjun"), ("Wei", "wei"), ("Mei", "mei"),
        ("Olga", "olga"), ("Ivan", "ivan"), ("Fatima", "fatima"), ("Omar", "omar"), ("Aisha", "aisha"),
        ("Liam", "liam"), ("Emma", "emma"), ("Noah", "noah"), ("Olivia", "olivia"), ("Lucas", "lucas"),
        ("Sophie", "sophie"), ("Mateo", "mateo"), ("Camila", "camila"), ("Björn", "bjorn"), ("Léa", "lea"),
    ]

    static let lastNames: [(String, String)] = [
        ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"), ("Jones", "jones"),
        ("Garcia", "garcia"), ("Miller", "miller"), ("Davis", "davis"), ("Rodriguez", "rodriguez"), ("Martinez", "martinez"),
        ("Hernández", "hernandez"), ("López", "lopez"), ("Wilson", "wilson"), ("Anderson", "anderson"), ("Taylor", "taylor"),
        ("Thomas", "thomas"), ("Moore", "moore"), ("Martin", "martin"), ("Lee", "lee"), ("Thompson", "thompson"),
        ("White", "white"), ("Harris", "harris"), ("Clark", "clark"), ("Lewis", "lewis"), ("Walker", "walker"),
        ("O'Brien", "obrien"), ("Müller", "mueller"), ("Schmidt", "schmidt"), ("Dubois", "dubois"), ("Lefèvre", "lefevre"),
        ("Rossi", "rossi"), ("Bianchi", "bianchi"), ("Silva", "silva"), ("Santos", "santos"), ("Tanaka", "tanaka"),
        ("Suzuki", "suzuki"), ("Patel", "patel"), ("Sharma", "sharma"), ("Chen", "chen"), ("Wang", "wang"),
        ("Ivanova", "ivanova"), ("Novak", "novak"), ("Andersson", "andersson"), ("Nguyen", "nguyen"), ("Kim", "kim"),
        ("van der Berg", "vanderberg"), ("Jansen", "jansen"), ("Kowalski", "kowalski"), ("Haddad", "haddad"), ("Okafor", "okafor"),
    ]

    static let emailDomains = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me",
                               "example.com", "example.org", "mail.de", "orange.fr"]

    struct Country {
        var code: String
        var weight: Int
        var dialCode: String
        var currency: String
        var cities: [String]
    }

    /// Skewed toward the US, like most shops' customer bases.
    static let countries: [Country] = [
        Country(code: "US", weight: 340, dialCode: "1", currency: "USD",
                cities: ["New York", "Los Angeles", "Chicago", "Houston", "Seattle", "Washington, D.C."]),
        Country(code: "GB", weight: 100, dialCode: "44", currency: "GBP", cities: ["London", "Manchester", "Edinburgh", "Bristol"]),
        Country(code: "DE", weight: 90, dialCode: "49", currency: "EUR", cities: ["Berlin", "München", "Hamburg", "Köln"]),
        Country(code: "FR", weight: 80, dialCode: "33", currency: "EUR", cities: ["Paris", "Lyon", "Marseille", "Toulouse"]),
        Country(code: "IN", weight: 70, dialCode: "91", currency: "INR", cities: ["Mumbai", "Bengaluru", "Delhi", "Chennai"]),
        Country(code: "BR", weight: 60, dialCode: "55", currency: "BRL", cities: ["São Paulo", "Rio de Janeiro", "Brasília"]),
        Country(code: "CA", weight: 50, dialCode: "1", currency: "CAD", cities: ["Toronto", "Montréal", "Vancouver"]),
        Country(code: "ES", weight: 40, dialCode: "34", currency: "EUR", cities: ["Madrid", "Barcelona", "Sevilla"]),
        Country(code: "IT", weight: 40, dialCode: "39", currency: "EUR", cities: ["Roma", "Milano", "Napoli"]),
        Country(code: "NL", weight: 30, dialCode: "31", currency: "EUR", cities: ["Amsterdam", "Rotterdam", "Utrecht"]),
        Country(code: "JP", weight: 30, dialCode: "81", currency: "JPY", cities: ["Tokyo", "Osaka", "Kyoto"]),
        Country(code: "AU", weight: 30, dialCode: "61", currency: "AUD", cities: ["Sydney", "Melbourne", "Brisbane"]),
        Country(code: "MX", weight: 20, dialCode: "52", currency: "MXN", cities: ["Ciudad de México", "Guadalajara", "Monterrey"]),
        Country(code: "SE", weight: 10, dialCode: "46", currency: "SEK", cities: ["Stockholm", "Göteborg", "Malmö"]),
        Country(code: "PL", weight: 10, dialCode: "48", currency: "PLN", cities: ["Warszawa", "Kraków", "Łódź"]),
    ]

    struct Category {
        var name: String
        var code: String
        var slug: String
        /// Price range in cents.
        var minCents: Int
        var maxCents: Int
        var nouns: [String]
        var brands: [String]
    }

    static let categories: [Category] = [
        Category(name: "Electronics", code: "ELE", slug: "electronics", minCents: 999, maxCents: 149_999,
                 nouns: ["Headphones", "Bluetooth Speaker", "USB-C Charger", "Smartwatch", "4K Monitor", "Keyboard", "Webcam", "Power Bank"],
                 brands: ["Voltix", "Sonora", "Pixelon", "Nordtek"]),
        Category(name: "Books", code: "BOK", slug: "books", minCents: 499, maxCents: 5999,
                 nouns: ["Cookbook", "Mystery Novel", "Atlas", "Field Guide", "Poetry Collection", "Biography"],
                 brands: ["Penfold Press", "Lanterna", "Editions Lumière"]),
        Category(name: "Clothing", code: "CLO", slug: "clothing", minCents: 799, maxCents: 24_999,
                 nouns: ["T-Shirt", "Hoodie", "Rain Jacket", "Jeans", "Wool Socks", "Sneakers", "Scarf"],
                 brands: ["Northwind", "Atelier Süd", "Basic Co."]),
        Category(name: "Home & Kitchen", code: "HOM", slug: "home-kitchen", minCents: 599, maxCents: 39_999,
                 nouns: ["Chef's Knife", "Cast Iron Skillet", "Espresso Maker", "Pizza Stone", "Cutting Board", "Blender", "Kettle"],
                 brands: ["Casa Viva", "Ironhearth", "Küchenwerk"]),
        Category(name: "Sports", code: "SPO", slug: "sports", minCents: 999, maxCents: 59_999,
                 nouns: ["Yoga Mat", "Dumbbell Set", "Running Belt", "Tennis Racket", "Water Bottle", "Bike Helmet"],
                 brands: ["Peakform", "Stride", "Olympo"]),
        Category(name: "Toys", code: "TOY", slug: "toys", minCents: 499, maxCents: 14_999,
                 nouns: ["Building Blocks", "Puzzle", "Plush Bear", "Board Game", "Kite", "Train Set"],
                 brands: ["Tinkerly", "Happy Owl", "Jouets Rêve"]),
        Category(name: "Beauty", code: "BEA", slug: "beauty", minCents: 399, maxCents: 12_999,
                 nouns: ["Face Serum", "Lip Balm", "Shampoo", "Hand Cream", "Perfume", "Sunscreen"],
                 brands: ["Lumé", "Verdant", "Aurora Skin"]),
        Category(name: "Grocery", code: "GRO", slug: "grocery", minCents: 199, maxCents: 4999,
                 nouns: ["Café Crème Espresso Beans", "Olive Oil", "Dark Chocolate", "Green Tea", "Maple Syrup", "Pasta"],
                 brands: ["Terra Fina", "Café Crème", "Hillside Farm"]),
        Category(name: "Garden", code: "GAR", slug: "garden", minCents: 499, maxCents: 29_999,
                 nouns: ["Garden Hose", "Pruning Shears", "Seed Kit", "Planter", "Solar Lantern"],
                 brands: ["Greenthumb", "Jardin Royal"]),
        Category(name: "Automotive", code: "AUT", slug: "automotive", minCents: 799, maxCents: 49_999,
                 nouns: ["Dash Cam", "Car Vacuum", "Tire Inflator", "Phone Mount", "Seat Cover"],
                 brands: ["Roadly", "Motorhaus"]),
        Category(name: "Office", code: "OFF", slug: "office", minCents: 199, maxCents: 39_999,
                 nouns: ["Notebook", "Desk Lamp", "Ergonomic Chair", "Fountain Pen", "Label Maker"],
                 brands: ["Paperly", "Officina", "Deskwise"]),
        Category(name: "Pet Supplies", code: "PET", slug: "pet-supplies", minCents: 299, maxCents: 19_999,
                 nouns: ["Dog Leash", "Cat Tree", "Pet Bed", "Chew Toy", "Aquarium Filter"],
                 brands: ["Pawsome", "Whisker & Co."]),
    ]

    /// Adjectives; some produce names that need CSV quoting.
    static let adjectives = ["Classic", "Premium", "Eco", "Compact", "Deluxe", "Ultra", "Vintage", "Smart", "Pro", "Mini"]
    /// Suffixes; some contain commas or double quotes so the CSV needs quoted fields.
    static let suffixes = ["", "", "", "", "", " - Large", ", Set of 2", ", Blue", " 12\"", " (2-Pack)", " \"Limited Edition\"", " – Édition Spéciale"]

    static let statuses = ["completed", "refunded", "cancelled"]
    static let statusWeights = [920, 50, 30]
    static let paymentMethods = ["card", "paypal", "apple_pay", "google_pay", "bank_transfer", "gift_card"]
    static let paymentWeights = [650, 150, 80, 50, 40, 30]

    static let deviceTypes = ["desktop", "mobile", "tablet"]
    static let deviceWeights = [40, 52, 8]
    /// Operating systems per device type.
    static let deviceOS = [["Windows", "macOS", "Linux", "ChromeOS"], ["iOS", "Android"], ["iPadOS", "Android"]]
    static let browsers = ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"]
    static let externalReferrers = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/",
                                    "https://www.facebook.com/", "https://t.co/", "https://www.instagram.com/", "https://news.example.com/deals"]
    static let utmCampaigns = ["winter_sale", "newsletter_w1", "retargeting", "influencer_q1"]
}
