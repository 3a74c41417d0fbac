import ArgumentParser
import JianguanStore

struct VenueCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "venue", abstract: "Venues (场地) of institutions.",
    subcommands: [Add.self, ViewList<VenueViews>.self, ViewShow<VenueViews>.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "List a venue of an institution.")
    @OptionGroup var global: GlobalOptions
    @Option var institution: String
    @Option var address: String
    @Option(name: .customLong("area-m2"), parsing: .unconditional, help: "Floor area in square metres.")
    var areaM2: String
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.write(global) {
          try AppDatabase.addVenue(institution: institution, address: address, areaM2: areaM2, in: $0)
        }
        : try Environment.open(global).addVenue(institution: institution, address: address, areaM2: areaM2)
      Output(global).emit(recorded, what: "venue")
    }
  }
}

struct TeacherCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "teacher", abstract: "Teachers of institutions.",
    subcommands: [Add.self, ViewList<TeacherViews>.self, ViewShow<TeacherViews>.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add a teacher; in-service public-school teachers (在职教师) are refused.")
    @OptionGroup var global: GlobalOptions
    @Option var institution: String
    @Option var name: String
    @Option(help: "Teacher qualification certificate number (教师资格证); one certificate is one teacher.")
    var certificate: String
    @Flag(help: "The teacher is employed by a public school.") var inService = false
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.write(global) {
          try AppDatabase.addTeacher(
            institution: institution, name: name, certificate: certificate, inService: inService, in: $0)
        }
        : try Environment.open(global).addTeacher(
          institution: institution, name: name, certificate: certificate, inService: inService)
      Output(global).emit(recorded, what: "teacher")
    }
  }
}

struct CourseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "course", abstract: "Courses (课程) of institutions.",
    subcommands: [Add.self, ViewList<CourseViews>.self, ViewShow<CourseViews>.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "List a course.")
    @OptionGroup var global: GlobalOptions
    @Option var institution: String
    @Option var name: String
    @Option(help: "A subject (学科): 道德与法治, 语文, 历史, 地理, 数学, 外语, 物理, 化学, 生物.") var subject: String?
    @Option(help: "A non-subject category: 体育, 文化艺术, 科技, 其他.") var category: String?
    @Option(help: "online or offline.") var delivery: String
    @Option(parsing: .unconditional) var lessonMinutes: String
    @Option(parsing: .unconditional, help: "Class hours of the whole course.") var hours: String
    @Option(parsing: .unconditional, help: "Price per class hour, in yuan.") var pricePerHour: String
    @Option(help: "under10, 10to35 or over35 (default 10to35); its classes' capacity stays in it.")
    var classSize: String?
    func run() throws {
      var form = CourseForm()
      form.institution = institution
      form.name = name
      form.subject = subject
      form.category = category
      form.delivery = delivery
      form.lessonMinutes = lessonMinutes
      form.hours = hours
      form.pricePerHour = pricePerHour
      form.classSize = classSize
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.write(global) { try AppDatabase.addCourse(form, in: $0) }
        : try Environment.open(global).addCourse(form)
      Output(global).emit(recorded, what: "course")
    }
  }
}

struct ClassCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "class", abstract: "Classes (班课) of courses.",
    subcommands: [Add.self, ViewList<ClassViews>.self, Show.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Open a class of a course, with its weekly schedule.")
    @OptionGroup var global: GlobalOptions
    @Option var course: String
    @Option var venue: String
    @Option var teacher: String
    @Option(parsing: .unconditional) var capacity: String
    @Option(help: "First day, YYYY-MM-DD.") var starts: String
    @Option(help: "Last day, YYYY-MM-DD.") var ends: String
    @Option(
      help:
        "Weekly slots, e.g. \"Tue 18:00-18:45,Thu 18:00-18:45\"; none at a time the teacher or venue has another class."
    )
    var schedule: String
    func run() throws {
      var form = ClassForm()
      form.course = course
      form.venue = venue
      form.teacher = teacher
      form.capacity = capacity
      form.starts = starts
      form.ends = ends
      form.schedule = schedule
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.write(global) { try AppDatabase.addClass(form, in: $0) }
        : try Environment.open(global).addClass(form)
      Output(global).emit(recorded, what: "class")
    }
  }
}

struct ParentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "parent", abstract: "Parents, registered real-name.",
    subcommands: [Register.self, Show.self, Erase.self])

  struct Register: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "register",
      abstract: "Register a parent; the ledger keeps only a keyed commitment of the ID number.")
    @OptionGroup var global: GlobalOptions
    @Option var name: String
    @Option(help: "Resident ID number (GB 11643-1999).") var idNumber: String
    @Option var phone: String
    @Option(help: "With a postgres URL: the personal-data key file (default jianguan-BUREAU.key).")
    var key: String?
    func run() throws {
      try PostgresCommands.refuseKeyOption(key, global)
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.registerPerson(global, key: key) {
          try AppDatabase.registerParent(
            name: name, idNumber: idNumber, phone: phone, today: $3, regions: $2, vault: $1, in: $0)
        }
        : try Environment.open(global).registerParent(
          name: name, idNumber: idNumber, phone: phone, today: Environment.today())
      Output(global).emit(recorded, what: "parent")
    }
  }
}

struct StudentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "student", abstract: "Students, children of registered parents.",
    subcommands: [Add.self, Show.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Add a student of a parent.")
    @OptionGroup var global: GlobalOptions
    @Option var parent: String
    @Option var name: String
    @Option var idNumber: String
    @Option(
      parsing: .unconditional,
      help:
        "School grade, 0 (preschool) to 12, within 2 of the grade the birth date gives (1 September cut-off)."
    )
    var grade: String
    @Option(help: "With a postgres URL: the personal-data key file (default jianguan-BUREAU.key).")
    var key: String?
    func run() throws {
      try PostgresCommands.refuseKeyOption(key, global)
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.registerPerson(global, key: key) {
          try AppDatabase.addStudent(
            parent: parent, name: name, idNumber: idNumber, grade: grade, today: $3, regions: $2, vault: $1,
            in: $0)
        }
        : try Environment.open(global).addStudent(
          parent: parent, name: name, idNumber: idNumber, grade: grade, today: Environment.today())
      Output(global).emit(recorded, what: "student")
    }
  }
}
