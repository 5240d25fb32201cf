import { Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CloudEvent, DestinationRecorded, InternshipCompleted, InternshipStarted, InternshipUpdated } from '@chanjiao/contracts';
import { AmqpEventContext, RethrowRpcErrors } from '@chanjiao/messaging';
import type { ProjectionTransaction } from '../projection/projection.unit-of-work';

type Ctx = AmqpEventContext<ProjectionTransaction>;

/** Subscriptions of the reporting consumer to placement events (see EnrollmentEventsHandler). */
@ApiExcludeController()
@UseFilters(RethrowRpcErrors)
@Controller()
export class PlacementEventsHandler {
  @EventPattern([InternshipStarted.type, InternshipUpdated.type, InternshipCompleted.type])
  internship(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }

  @EventPattern([DestinationRecorded.type])
  destination(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }
}
