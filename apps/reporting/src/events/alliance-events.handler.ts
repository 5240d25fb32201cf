import { Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  AllianceActivityHeld,
  AllianceCharterAdopted,
  AllianceContributionRecorded,
  AllianceMemberDeparted,
  AllianceMemberJoined,
  AllianceMemberRoleChanged,
  AllianceRegistered,
  AllianceUpdated,
  CloudEvent,
} from '@chanjiao/contracts';
import { AmqpEventContext, RethrowRpcErrors } from '@chanjiao/messaging';
import type { ProjectionTransaction } from '../projection/projection.unit-of-work';

type Ctx = AmqpEventContext<ProjectionTransaction>;

/**
 * Subscriptions of the reporting consumer to alliance events; each applies the event's projections
 * inside the batch transaction the transport opened.
 */
@ApiExcludeController()
@UseFilters(RethrowRpcErrors)
@Controller()
export class AllianceEventsHandler {
  @EventPattern([AllianceRegistered.type, AllianceUpdated.type])
  alliance(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }

  @EventPattern([AllianceMemberJoined.type, AllianceMemberRoleChanged.type, AllianceMemberDeparted.type])
  member(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }

  @EventPattern([AllianceCharterAdopted.type, AllianceContributionRecorded.type, AllianceActivityHeld.type])
  record(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }
}
