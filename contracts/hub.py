"""Message types of the hub itself."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from contracts.registry import message_type


@message_type("hub.job.run", 1, routine=True, title="Запуск задания по расписанию")
class JobRunV1(BaseModel):
    """Run a component's scheduled job now (sent by the scheduler, or by 'run now')."""

    component: str = Field(description="Component name, e.g. adapter.smev3.")
    job: str = Field(description="Job name within the component.")
    schedule: str = Field(description="Schedule that fired.")
    scheduled_for: datetime
    requested_by: str = Field(default="scheduler", description="'scheduler' or a user name.")
