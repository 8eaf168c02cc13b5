"""A call's publications besides its settings (domain.md 2, issue 16 items 1-3): its documents
(guidelines, templates, contract template) per language, the clarifications (questions asked by
registered users, answers published anonymously on the call's FAQ) and the corrigenda that change an
open call. Staff pages under /staff/calls/<id>/..., public pages under /calls/<reference>/...; the
public call page and the applicant's attachments page show them through the template helpers
registered here."""
