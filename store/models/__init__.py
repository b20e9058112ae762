"""All models, imported here so ``Base.metadata`` is complete for Alembic and tests."""

from store.db import Base
from store.models.core import (DONE_STATES, PENDING_STATES, AuditLog, DialogState, JobRun, MessageKind, OutboxMessage,
                               OutboxState, ProcessedUpdate, User)
from store.models.inbox import InboxUpdate
from store.models.directives import Campaign, Document, ReportingDuty, Section
from store.models.units import Commune, Officer, OfficerProvince, Province
from store.models.registration import InviteCode, RegistrationRequest
from store.models.reports import Draft, Form, Period, PeriodUnit, Report, ReportFile, ReportRevision
from store.models.reminders import Broadcast, ReminderLog, ReminderPolicy
from store.models.channels import ChoiceMenu, LinkCode, LinkState
from store.models.emulation import (Bloc, BlocMember, CriteriaTable, Evidence, Explanation, Ranking, ScoreChange,
                                    ScoringPeriod, Sheet)
from store.models.jobs import AfterCommitJob, JobState
from store.models.pledges import BlocPledge, Registration, RegistrationRound, TitleCatalogue
from store.models.awards import AwardDecision, Nomination, NominationDocument, NominationEvent

__all__ = [
    "Base", "User", "DialogState", "JobRun", "ProcessedUpdate", "OutboxMessage", "OutboxState", "MessageKind",
    "PENDING_STATES", "DONE_STATES", "AuditLog", "InboxUpdate",
    "Document", "Section", "Campaign", "ReportingDuty",
    "Province", "Commune", "Officer", "OfficerProvince", "RegistrationRequest", "InviteCode",
    "Form", "Period", "PeriodUnit", "Report", "Draft", "ReportRevision", "ReportFile",
    "ReminderPolicy", "ReminderLog", "Broadcast", "ChoiceMenu", "LinkCode", "LinkState", "AfterCommitJob", "JobState",
    "Bloc", "BlocMember", "CriteriaTable", "ScoringPeriod", "Sheet", "Evidence", "ScoreChange", "Explanation",
    "Ranking", "TitleCatalogue", "RegistrationRound", "Registration", "BlocPledge",
    "Nomination", "NominationDocument", "NominationEvent", "AwardDecision",
]
