import { Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  AgreementExpired,
  AgreementRenewed,
  AgreementSigned,
  AgreementTerminated,
  CertificatePilotLaunched,
  CertificatePilotResultsReported,
  CloudEvent,
  IndustryCollegeFounded,
  OrderClassOpened,
  OrderClassUpdated,
  PartnerRegistered,
  PartnerUpdated,
  TrainingBaseInvestmentRecorded,
  TrainingBaseRegistered,
  TrainingBaseUpdated,
} from '@chanjiao/contracts';
import { AmqpEventContext, RethrowRpcErrors } from '@chanjiao/messaging';
import type { ProjectionTransaction } from '../projection/projection.unit-of-work';

type Ctx = AmqpEventContext<ProjectionTransaction>;

/**
 * Subscriptions of the reporting consumer to partnership events. Each handler applies the event's
 * projections inside the batch transaction the transport opened.
 */
@ApiExcludeController()
@UseFilters(RethrowRpcErrors)
@Controller()
export class PartnershipEventsHandler {
  @EventPattern([PartnerRegistered.type, PartnerUpdated.type])
  partner(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }

  @EventPattern([AgreementSigned.type, AgreementTerminated.type, AgreementRenewed.type, AgreementExpired.type])
  agreement(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }

  @EventPattern([
    OrderClassOpened.type,
    OrderClassUpdated.type,
    CertificatePilotLaunched.type,
    CertificatePilotResultsReported.type,
    IndustryCollegeFounded.type,
  ])
  cooperation(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }

  @EventPattern([TrainingBaseRegistered.type, TrainingBaseUpdated.type, TrainingBaseInvestmentRecorded.type])
  trainingBase(@Payload() event: CloudEvent, @Ctx() ctx: Ctx): void {
    ctx.getTransaction().project(event);
  }
}
