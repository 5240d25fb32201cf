import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { CONTRIBUTION_AMOUNT_PATTERN, CONTRIBUTION_KINDS, ContributionKind } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsText, viewMapper } from '@chanjiao/edge';

export class RecordContributionDto {
  @ApiProperty({ example: 'C-2022-001' })
  @IsEntityId()
  contributionId!: string;

  @ApiProperty({ description: 'A member of the alliance on `date`', example: 'E-0042' })
  @IsEntityId()
  memberId!: string;

  @ApiProperty({ enum: CONTRIBUTION_KINDS })
  @IsIn(CONTRIBUTION_KINDS)
  kind!: ContributionKind;

  @ApiPropertyOptional({
    description: 'CNY as a decimal string, at most two fraction digits and 13 integer digits; required for funds',
    example: '150000.00',
  })
  @ValidateIf((o: RecordContributionDto) => o.kind === 'funds' || o.amount !== undefined)
  @IsString({ message: 'amount must be a CNY decimal string such as "150000.00" (required for funds)' })
  @Matches(CONTRIBUTION_AMOUNT_PATTERN, {
    message: 'amount must be a CNY decimal string with at most two fraction digits, e.g. "150000.00"',
  })
  amount?: string;

  @ApiPropertyOptional({ description: 'Kept in the alliance service only; never published' })
  @IsOptional()
  @IsString()
  @IsText(1000)
  description?: string;

  @ApiProperty({ example: '2022-05-10' })
  @IsCalendarDate()
  date!: string;
}

export class ContributionBatchItemDto extends RecordContributionDto {
  @ApiProperty({ example: 'BZ-TEXTILE' }) @IsEntityId() allianceId!: string;
}

export class ContributionView {
  @ApiProperty() allianceId!: string;
  @ApiProperty() contributionId!: string;
  @ApiProperty() memberId!: string;
  @ApiProperty({ enum: CONTRIBUTION_KINDS }) kind!: ContributionKind;
  @ApiProperty({ nullable: true, type: String, description: 'CNY, two fraction digits' }) amount!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() date!: string;
}

export const toContributionView = viewMapper(ContributionView, [
  'allianceId',
  'contributionId',
  'memberId',
  'kind',
  'amount',
  'description',
  'date',
]);
