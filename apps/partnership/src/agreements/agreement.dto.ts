import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { AGREEMENT_KINDS, AgreementKind, COOPERATION_FORMS, CooperationForm, ID_PATTERN, SECTORS, Sector } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsText, viewMapper } from '@chanjiao/edge';

const ID_MESSAGE = ({ property }: { property: string }) => `each of ${property} must be 1-64 letters, digits, ".", "_", ":" or "-"`;

export class CreateAgreementDto {
  @ApiProperty({ example: 'AG-2022-001' })
  @IsEntityId()
  agreementId!: string;

  @ApiProperty({ type: [String], description: 'Partner ids (PUT /partners/{partnerId} first)', example: ['E001'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: ID_MESSAGE })
  partnerIds!: string[];

  @ApiProperty({ enum: AGREEMENT_KINDS })
  @IsIn(AGREEMENT_KINDS)
  kind!: AgreementKind;

  @ApiPropertyOptional({ enum: COOPERATION_FORMS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(COOPERATION_FORMS.length)
  @IsIn(COOPERATION_FORMS, { each: true })
  forms?: CooperationForm[];

  @ApiPropertyOptional({ type: [String], example: ['460103'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: ID_MESSAGE })
  programCodes?: string[];

  @ApiProperty({ example: '2022-03-01' })
  @IsCalendarDate()
  signedOn!: string;

  @ApiPropertyOptional({ example: '2022-03-01' })
  @IsOptional()
  @IsCalendarDate()
  effectiveFrom?: string;

  @ApiPropertyOptional({ example: '2025-02-28', description: 'Last day the agreement holds; after it the agreement expires on its own' })
  @IsOptional()
  @IsCalendarDate()
  expiresOn?: string;
}

export class TerminationDto {
  @ApiProperty({ example: '2023-06-30', description: 'First day the agreement no longer holds' })
  @IsCalendarDate()
  date!: string;

  @ApiPropertyOptional({ description: 'Kept in the partnership service only; never published' })
  @IsOptional()
  @IsString()
  @IsText(500)
  reason?: string;
}

export class RenewalDto {
  @ApiProperty({ example: '2025-02-01' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: '2028-02-29' })
  @IsCalendarDate()
  expiresOn!: string;
}

export class TerminationBatchItemDto extends TerminationDto {
  @ApiProperty({ example: 'AG-2022-001' }) @IsEntityId() agreementId!: string;
}

export class RenewalBatchItemDto extends RenewalDto {
  @ApiProperty({ example: 'AG-2022-001' }) @IsEntityId() agreementId!: string;
}

export class RenewalView {
  @ApiProperty() date!: string;
  @ApiProperty() expiresOn!: string;
  @ApiProperty({ nullable: true, type: String }) previousExpiresOn!: string | null;
}

export class AgreementView {
  @ApiProperty() agreementId!: string;
  @ApiProperty({ type: [String] }) partnerIds!: string[];
  @ApiProperty({ enum: AGREEMENT_KINDS }) kind!: AgreementKind;
  @ApiProperty({ enum: COOPERATION_FORMS, isArray: true }) forms!: CooperationForm[];
  @ApiProperty({ type: [String] }) programCodes!: string[];
  @ApiProperty({ enum: SECTORS, isArray: true, description: 'Sectors of the partners when signed' }) sectors!: Sector[];
  @ApiProperty() signedOn!: string;
  @ApiProperty({ nullable: true, type: String }) effectiveFrom!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Current expiry, after renewals' }) expiresOn!: string | null;
  @ApiProperty({ enum: ['active', 'terminated', 'expired'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) terminatedOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) expiredOn!: string | null;
  @ApiProperty({ type: [RenewalView] }) renewals!: RenewalView[];
  @ApiProperty({ description: 'Sequence of the latest event about this agreement' }) version!: number;
}

const toRenewalView = viewMapper(RenewalView, ['date', 'expiresOn', 'previousExpiresOn']);

/** The API view of an agreement: the termination reason stays out (kept, never published). */
export const toAgreementView = viewMapper(
  AgreementView,
  [
    'agreementId',
    'partnerIds',
    'kind',
    'forms',
    'programCodes',
    'sectors',
    'signedOn',
    'effectiveFrom',
    'expiresOn',
    'status',
    'terminatedOn',
    'expiredOn',
    'renewals',
    'version',
  ],
  { renewals: toRenewalView },
);
