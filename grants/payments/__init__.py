"""Grant payments (docs/domain.md 7, Payment schemes and Payments): the schedule each grant's scheme
gives, what is due, when and to whom; payments recorded by one staff user and authorised by
another; the grant closed once its balance is paid or recovered."""
