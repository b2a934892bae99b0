"""Persons named in case files and communications, their consent, and case files.

A person is one defender, organisation, group or community, however many
communications name them. Names and affiliations are encrypted at rest. Consent
is a history of records; the latest unrevoked record counts, and without one
a person may be neither transmitted to a State nor named in public.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spcomms.encryption import EncryptedTextField


class PersonKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")
    GROUP = "group", _("Group")
    COMMUNITY = "community", _("Community")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    TRANS = "trans", _("Trans*")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated")


class _DistinctCommunications(models.Subquery):
    """How many distinct communications a subquery of mentions reaches."""

    template = "(SELECT COUNT(DISTINCT _named.communication_id) FROM (%(subquery)s) _named)"
    output_field = models.IntegerField()


class PersonQuerySet(models.QuerySet["Person"]):
    def canonical(self) -> PersonQuerySet:
        """Persons not merged into another: one row per person as staff know them."""
        return self.filter(merged_into__isnull=True)

    def with_mention_count(self) -> PersonQuerySet:
        """Annotate ``mention_count``: the sent communications that name each person or
        a person merged into them (decision 0008).

        It is counted from the links every time, never stored, so it cannot drift
        from the record, and a merge, its undoing or a split changes it at once.
        """
        from spcomms.communications.models import CommunicationPerson

        naming = CommunicationPerson.objects.filter(
            models.Q(person_id=models.OuterRef("pk"))
            | models.Q(person__merged_into_id=models.OuterRef("pk")),
            communication__status="sent",
        ).values("communication_id")
        return self.annotate(mention_count=_DistinctCommunications(naming))


class Person(models.Model):
    key = models.UUIDField(
        _("pseudonymous key"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Stable key used in research exports instead of the name."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PersonKind.choices)
    name = EncryptedTextField(_("name"))
    gender = models.CharField(
        _("gender"), max_length=16, choices=Gender.choices, default=Gender.NOT_STATED
    )
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    affiliation = EncryptedTextField(_("organisation or affiliation"), blank=True, default="")
    issue_areas = models.ManyToManyField(
        "reference.IssueArea", verbose_name=_("issue areas"), blank=True, related_name="+"
    )
    external_key = models.CharField(
        _("key in the importing organisation's records"),
        max_length=100,
        null=True,  # NULL for persons not imported; unique among the rest
        blank=True,
        unique=True,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_persons",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PersonKind.values), name="person_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=Gender.values), name="person_gender_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="person_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        # Never the name: str() reaches logs, admin messages and error pages.
        return f"{self.get_kind_display()} {self.key.hex[:8]}"

    def current_consent(self) -> ConsentRecord | None:
        """The latest unrevoked consent record, from prefetched consents when loaded."""
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if "consents" in prefetched:
            standing = [record for record in prefetched["consents"] if record.revoked_at is None]
            return max(standing, key=lambda record: (record.recorded_at, record.pk), default=None)
        return self.consents.filter(revoked_at__isnull=True).order_by("-recorded_at", "-pk").first()


class ConsentGiver(models.TextChoices):
    VICTIM = "victim", _("The person concerned")
    FAMILY = "family", _("Family")
    LAWYER = "lawyer", _("Lawyer")
    ORGANISATION = "organisation", _("The organisation itself")
    OTHER = "other", _("Other representative")


class PublicNaming(models.TextChoices):
    FULL = "full", _("Full name")
    INITIALS = "initials", _("Initials only")
    WITHHELD = "withheld", _("Not named")


class ConsentRecord(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
    written = models.BooleanField(_("given in writing"), default=False)
    transmit_to_state = models.BooleanField(_("may be named to the State"), default=False)
    public_naming = models.CharField(
        _("naming in public records"),
        max_length=16,
        choices=PublicNaming.choices,
        default=PublicNaming.WITHHELD,
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["person", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(given_by__in=ConsentGiver.values), name="consent_giver_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(public_naming__in=PublicNaming.values),
                name="consent_public_naming_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(revoked_at__gte=models.F("recorded_at")),
                name="consent_revoked_after_recorded",
            ),
            models.CheckConstraint(
                condition=models.Q(public_naming=PublicNaming.WITHHELD)
                | models.Q(transmit_to_state=True),
                name="consent_public_naming_implies_transmission",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} for {self.person}"


class CaseFileStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_COMMUNICATION = "in_communication", _("Taken up in a communication")
    CLOSED = "closed", _("Closed")


class CaseFile(models.Model):
    """The staff's dossier on a situation, opened from a submission or from research."""

    submission = models.OneToOneField(
        "intake.Submission",
        verbose_name=_("submission"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_file",
    )
    country = models.ForeignKey(
        "reference.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseFileStatus.choices, default=CaseFileStatus.OPEN
    )
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    persons: models.ManyToManyField[Person, CaseFilePerson] = models.ManyToManyField(
        Person, verbose_name=_("persons"), through="CaseFilePerson", related_name="case_files"
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseFileStatus.values), name="casefile_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"case file {self.pk}"


class CaseFilePerson(models.Model):
    case_file = models.ForeignKey(
        CaseFile, on_delete=models.CASCADE, related_name="entries", verbose_name=_("case file")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="case_entries", verbose_name=_("person")
    )
    violations = models.ManyToManyField(
        "reference.ViolationType", verbose_name=_("violations"), blank=True, related_name="+"
    )
    perpetrators = models.ManyToManyField(
        "reference.PerpetratorType", verbose_name=_("perpetrators"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("person in a case file")
        verbose_name_plural = _("persons in case files")
        constraints = [
            models.UniqueConstraint(
                fields=["case_file", "person"], name="casefileperson_once_per_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.case_file}"


class PersonMerge(models.Model):
    """Staff said that ``absorbed`` is ``survivor``: the absorbed record points at the
    survivor (``Person.merged_into``) and its mentions count for the survivor.

    Nothing is rewritten, so undoing is exact (decision 0008): the row keeps the
    persons that had been merged into the absorbed one and were carried over to the
    survivor, and the consent records the merge added so that no consent widened.
    """

    survivor = models.ForeignKey(
        Person, verbose_name=_("kept person"), on_delete=models.PROTECT, related_name="+"
    )
    absorbed = models.ForeignKey(
        Person, verbose_name=_("merged person"), on_delete=models.PROTECT, related_name="+"
    )
    carried = models.ManyToManyField(
        Person,
        verbose_name=_("persons carried over"),
        blank=True,
        related_name="+",
        help_text=_("Persons merged into the absorbed one before, now pointing at the survivor."),
    )
    consents_added = models.ManyToManyField(
        ConsentRecord,
        verbose_name=_("consent records added"),
        blank=True,
        related_name="+",
        help_text=_("Stricter consent recorded by the merge; revoked when it is undone."),
    )
    score = models.FloatField(_("matching score"), null=True, blank=True)
    merged_at = models.DateTimeField(_("merged at"))
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(survivor=models.F("absorbed")), name="personmerge_two_persons"
            ),
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=models.Q(undone_at__isnull=True),
                name="personmerge_one_standing_per_absorbed",
            ),
            models.CheckConstraint(
                condition=models.Q(undone_at__isnull=True)
                | models.Q(undone_at__gte=models.F("merged_at")),
                name="personmerge_undone_after_merged",
            ),
        ]

    def __str__(self) -> str:
        return f"merge {self.pk}: {self.absorbed_id} into {self.survivor_id}"


class PersonDistinct(models.Model):
    """Staff said two persons are not the same: the pair is not proposed again."""

    first = models.ForeignKey(
        Person, verbose_name=_("first person"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        Person, verbose_name=_("second person"), on_delete=models.CASCADE, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("persons who are not the same")
        verbose_name_plural = _("persons who are not the same")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="persondistinct_ordered_pair",
            ),
            models.UniqueConstraint(fields=["first", "second"], name="persondistinct_once"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} is not {self.second_id}"


class PersonSplit(models.Model):
    """Staff moved some mentions of ``source`` to a new person, ``created``."""

    source = models.ForeignKey(
        Person, verbose_name=_("person split"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.ForeignKey(
        Person, verbose_name=_("new person"), on_delete=models.PROTECT, related_name="+"
    )
    split_at = models.DateTimeField(_("split at"))
    split_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("split by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("split of a person")
        verbose_name_plural = _("splits of persons")
        ordering = ["-split_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("created")), name="personsplit_two_persons"
            ),
        ]

    def __str__(self) -> str:
        return f"split {self.pk}: {self.source_id} to {self.created_id}"


class PersonSplitMove(models.Model):
    """One mention a split moved, and the record it was on before."""

    split = models.ForeignKey(
        PersonSplit, verbose_name=_("split"), on_delete=models.CASCADE, related_name="moves"
    )
    mention = models.ForeignKey(
        "communications.CommunicationPerson",
        verbose_name=_("mention"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    from_person = models.ForeignKey(
        Person, verbose_name=_("moved from"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mention moved by a split")
        verbose_name_plural = _("mentions moved by splits")
        constraints = [
            models.UniqueConstraint(fields=["split", "mention"], name="personsplitmove_once"),
        ]

    def __str__(self) -> str:
        return f"mention {self.mention_id} moved by split {self.split_id}"
