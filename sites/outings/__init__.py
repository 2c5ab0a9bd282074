"""Class outings: a teacher's outing on a journey, students' passports, stamps, answers, certificate ids."""
